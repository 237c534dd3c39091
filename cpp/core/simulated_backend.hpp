#pragma once

#include "backend.hpp"

namespace pysens2 {

// Connects nothing: events arrive only through the sink pointers the monitor
// hands to pysens2.testing. Available on every platform.
class SimulatedBackend final : public Backend {
public:
    const char* name() const override { return "simulated"; }
    std::uint32_t own_session() const override { return 0; }
    void start(const SinkPair&, const BackendConfig&) override {}
    void stop() override {}
};

}  // namespace pysens2
