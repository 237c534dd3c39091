#include "service_backend.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace pysens2 {
namespace {

class ServiceSource final : public ServiceBackend {
public:
    ServiceSource(UserLookup lookup, std::function<std::uint32_t()> own)
        : lookup_(std::move(lookup)), own_(std::move(own)) {}
    ~ServiceSource() override { stop(); }

    const char* name() const override { return "service"; }
    EventMask supported() const override { return wts_event_mask(); }
    std::uint32_t own_session() const override { return own_ ? own_() : 0; }

    void start(const EventInlet& inlet, const BackendConfig&) override {
        std::lock_guard<std::mutex> lock(mutex_);
        inlet_.emplace(inlet);
        stopping_ = false;
        if (lookup_) worker_ = std::thread([this] { run(); });
    }

    void stop() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!inlet_) return;
            stopping_ = true;
        }
        cv_.notify_all();
        // The worker runs only user lookups (local RPCs): it ends promptly.
        if (worker_.joinable()) worker_.join();
        std::lock_guard<std::mutex> lock(mutex_);
        inlet_.reset();
        pending_.clear();
    }

    bool post(std::uint32_t code, std::uint32_t session_id) noexcept override {
        try {
            Event e;
            e.monotonic_ns = monotonic_now_ns();
            e.source = service_source(code);
            e.code = code;
            e.has_session = true;
            e.session_id = session_id;
            std::lock_guard<std::mutex> lock(mutex_);
            if (!inlet_ || stopping_) return false;
            if (!inlet_->wants(e)) return true;  // filtered, as asked
            if (!lookup_) {
                inlet_->post(std::move(e));
                return true;
            }
            if (pending_.size() >= kMaxPending) {
                inlet_->count_dropped();
                return true;
            }
            pending_.push_back(std::move(e));
            cv_.notify_one();
            return true;
        } catch (...) {
            return false;  // out of memory: nothing queued
        }
    }

private:
    static constexpr std::size_t kMaxPending = 65536;

    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
            if (pending_.empty()) return;  // stopping, and everything handed on
            Event e = std::move(pending_.front());
            pending_.pop_front();
            lock.unlock();
            try {
                std::tie(e.user, e.domain) = lookup_(e.session_id);
            } catch (...) {
                // Without its user, the event still counts.
            }
            lock.lock();
            inlet_->post(std::move(e));
        }
    }

    const UserLookup lookup_;
    const std::function<std::uint32_t()> own_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::optional<EventInlet> inlet_;
    std::deque<Event> pending_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace

std::unique_ptr<ServiceBackend> make_service_backend(ServiceBackend::UserLookup lookup,
                                                     std::function<std::uint32_t()> own_session) {
    return std::make_unique<ServiceSource>(std::move(lookup), std::move(own_session));
}

}  // namespace pysens2
