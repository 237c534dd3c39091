// Connects nothing: events come only from pysens2.testing, through the same
// SENS sink objects SENS would call (every platform), or straight into the
// inlet for the types only other sources deliver.
#pragma once

#include <mutex>
#include <optional>

#include "com/sink.hpp"
#include "core/backend.hpp"

namespace pysens2 {

class SimulatedBackend final : public Backend, public SensSinkOwner {
public:
    const char* name() const override { return "simulated"; }
    EventMask supported() const override { return kAllEvents; }
    std::uint32_t own_session() const override { return 0; }
    void start(const EventInlet& inlet, const BackendConfig& config) override;
    void stop() override;
    SinkPair sens_sinks() const override;
    // Hands `event` to the inlet as a source would; false when not started.
    bool inject(Event&& event) const;

private:
    mutable std::mutex mutex_;
    SinkPair sinks_;
    std::optional<EventInlet> inlet_;
};

}  // namespace pysens2
