#include "simulated_backend.hpp"

#include <utility>

namespace pysens2 {

void SimulatedBackend::start(const EventInlet& inlet, const BackendConfig&) {
    SinkPair sinks = make_sinks(inlet);
    std::lock_guard<std::mutex> lock(mutex_);
    sinks_ = std::move(sinks);
    inlet_ = inlet;
}

void SimulatedBackend::stop() {
    SinkPair released;  // released outside the lock
    std::lock_guard<std::mutex> lock(mutex_);
    released = std::move(sinks_);
    sinks_ = SinkPair{};
    inlet_.reset();
}

SinkPair SimulatedBackend::sens_sinks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sinks_;
}

bool SimulatedBackend::inject(Event&& event) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!inlet_) return false;
    inlet_->post(std::move(event));
    return true;
}

}  // namespace pysens2
