#include "sens_backend.hpp"

#include "apartment_thread.hpp"
#include "core/errors.hpp"
#include "event_system.hpp"
#include "process_session.hpp"
#include "sens_subscriber.hpp"

namespace pysens2 {
namespace {

class SensBackend final : public Backend {
public:
    const char* name() const override { return "sens"; }

    std::uint32_t own_session() const override { return own_session_id(); }

    void start(const SinkPair& sinks, const BackendConfig& config) override {
        thread_.start(
            config.apartment, [&] { subscriber_.subscribe(sinks, config); },
            [this] { subscriber_.unsubscribe(); });
    }

    void stop() override { thread_.stop(); }

private:
    SensSubscriber subscriber_;
    ApartmentThread thread_;
};

}  // namespace

std::unique_ptr<Backend> make_sens_backend() { return std::make_unique<SensBackend>(); }

}  // namespace pysens2
