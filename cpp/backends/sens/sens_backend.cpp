#include "sens_backend.hpp"

#include <mutex>
#include <utility>

#include "apartment_thread.hpp"
#include "core/errors.hpp"
#include "event_system.hpp"
#include "backends/windows/process_session.hpp"
#include "sens_subscriber.hpp"

namespace pysens2 {
namespace {

class SensBackend final : public Backend, public SensSinkOwner {
public:
    const char* name() const override { return "sens"; }
    EventMask supported() const override { return sens_event_mask(); }
    std::uint32_t own_session() const override { return own_session_id(); }

    void start(const EventInlet& inlet, const BackendConfig& config) override {
        SinkPair sinks = make_sinks(inlet);
        thread_.start(
            config.apartment, [&] { subscriber_.subscribe(sinks, config); },
            [this] { subscriber_.unsubscribe(); });
        std::lock_guard<std::mutex> lock(mutex_);
        sinks_ = std::move(sinks);
    }

    void stop() override {
        SinkPair sinks;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            sinks = std::move(sinks_);
            sinks_ = SinkPair{};
        }
        // Released only once the apartment thread has uninitialised (when
        // stop() returns, even by throwing): an MTA call that was in flight
        // while the sinks were disconnected still finds them alive.
        thread_.stop();
    }

    SinkPair sens_sinks() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return sinks_;
    }

private:
    SensSubscriber subscriber_;
    ApartmentThread thread_;
    mutable std::mutex mutex_;  // guards sinks_ (read by sens_sinks() from any thread)
    SinkPair sinks_;
};

}  // namespace

std::unique_ptr<Backend> make_sens_backend() { return std::make_unique<SensBackend>(); }

}  // namespace pysens2
