#include "monitor_core.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "errors.hpp"

namespace pysens2 {

namespace {

EventMask checked_mask(const std::optional<EventMask>& wanted, const Backend& backend) {
    const EventMask supported = backend.supported();
    if (!wanted) return supported;
    const EventMask missing = *wanted & ~supported;
    if (missing) {
        std::string names, valid;
        for (std::size_t t = 0; t < kEventTypeCount; ++t) {
            const auto type = static_cast<EventType>(t);
            std::string& list = (missing & mask_of(type)) ? names : valid;
            if ((missing | supported) & mask_of(type))
                list += (list.empty() ? "" : ", ") + std::string(type_name(type));
        }
        throw std::invalid_argument("backend '" + std::string(backend.name()) +
                                    "' cannot deliver " + names + "; it delivers " + valid);
    }
    return *wanted;
}

}  // namespace

MonitorCore::MonitorCore(MonitorOptions options, std::shared_ptr<DeliveryHandler> handler,
                         std::unique_ptr<Backend> backend)
    : options_(std::move(options)),
      mask_(checked_mask(options_.mask, *backend)),
      handler_(std::move(handler)),
      queue_(std::make_shared<EventQueue>(options_.queue_size)),
      backend_(std::move(backend)) {
    queue_->close();  // nothing is accepted before start()
}

MonitorCore::~MonitorCore() {
    try {
        // Never waits: the dispatcher may be in a callback that never returns.
        stop(std::chrono::nanoseconds(0), true);
    } catch (...) {
        // A destructor cannot report a failed unsubscription; stop() does.
    }
}

void MonitorCore::start() {
    for (;;) {
        // A dispatcher still finishing an earlier stop must be done first;
        // waited for without holding a lock, as its callback may call stop().
        std::shared_ptr<Dispatcher> previous;
        {
            // running_ and dispatcher_ change together under mutex_: a
            // dispatcher seen here while not running is one still stopping.
            std::lock_guard<std::mutex> lock(mutex_);
            if (running_.load()) throw StateError("the monitor is already running");
            previous = dispatcher_;
        }
        if (previous && !previous->finished() && !previous->wait(std::nullopt))
            throw StateError("cannot restart a monitor from inside its own callback while it is "
                             "still stopping; start it again from another thread");
        std::lock_guard<std::mutex> lifecycle(lifecycle_mutex_);
        if (running_.load()) throw StateError("the monitor is already running");
        {
            std::lock_guard<std::mutex> lock(mutex_);
            // Another thread may have started and stopped it since we looked.
            if (dispatcher_ && !dispatcher_->finished()) continue;
        }
        start_locked();
        return;
    }
}

void MonitorCore::start_locked() {
    queue_->reopen();
    // own_session() is asked only when needed: it may fail (ComError).
    EventFilter filter{mask_, options_.all_sessions, 0u, {}};
    if (!options_.all_sessions) {
        filter.own_session = backend_->own_session();
        filter.own_session_name = backend_->own_session_name();
    }
    try {
        backend_->start(EventInlet(queue_, filter),
                        BackendConfig{mask_, options_.apartment, options_.per_user,
                                      options_.all_sessions});
    } catch (...) {
        queue_->close(true);
        throw;
    }
    // From here on the backend is connected: any failure disconnects it.
    try {
        handler_->starting();
        auto dispatcher = std::make_shared<Dispatcher>(queue_, handler_, options_.batch_size);
        dispatcher->start();
        std::lock_guard<std::mutex> lock(mutex_);
        dispatcher_ = std::move(dispatcher);
        running_.store(true);
    } catch (...) {
        try {
            backend_->stop();
        } catch (...) {
            // The start failure is the one to report.
        }
        queue_->close(true);
        throw;
    }
}

bool MonitorCore::stop(std::optional<std::chrono::nanoseconds> timeout, bool discard) {
    std::shared_ptr<Dispatcher> dispatcher;
    std::exception_ptr backend_error;
    {
        std::lock_guard<std::mutex> lifecycle(lifecycle_mutex_);
        bool was_running;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            was_running = running_.exchange(false);
            dispatcher = dispatcher_;
        }
        // Backend first, so no new events arrive; then close the queue,
        // whatever the backend threw.
        if (was_running) {
            try {
                backend_->stop();
            } catch (...) {
                backend_error = std::current_exception();
            }
        }
        if (discard || was_running) queue_->close(discard);
    }
    // Waited for without the lifecycle lock: a callback may call stop() or start().
    bool finished = !dispatcher || dispatcher->wait(timeout);
    if (finished && dispatcher) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (dispatcher_ == dispatcher) dispatcher_.reset();
    }
    if (backend_error) std::rethrow_exception(backend_error);
    return finished;
}

bool MonitorCore::running() const { return running_.load(); }

bool MonitorCore::on_dispatcher_thread() const {
    std::shared_ptr<Dispatcher> d;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        d = dispatcher_;
    }
    return d && d->on_dispatcher_thread();
}

Backend& MonitorCore::running_backend() const {
    if (!running_.load()) throw StateError("the monitor is not running; call start() first");
    return *backend_;
}

}  // namespace pysens2
