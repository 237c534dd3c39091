// The object behind pysens2.SessionMonitor: a MonitorCore plus its Python
// delivery. Every call that may wait releases the GIL first.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>

#include "core/monitor_core.hpp"
#include "fork_guard.hpp"
#include "py_delivery.hpp"

namespace pysens2 {

class NativeMonitor {
public:
    NativeMonitor(const std::string& backend, std::optional<EventMask> mask, std::size_t queue_size,
                  std::size_t buffer_size, bool all_sessions, const std::string& apartment,
                  bool per_user);
    ~NativeMonitor();

    void start();
    bool stop(std::optional<double> timeout, bool discard);
    bool running() const { return core_->running(); }
    // Waits for the next event; raises TimeoutError or MonitorStopped.
    py::object get(std::optional<double> timeout, bool interruptible);

    // Both throw ForkedMonitor in a child process that inherited the monitor.
    PyDelivery& delivery();
    MonitorCore& core();
    // False in a forked child: its state belongs to the parent's threads.
    bool usable() const;

private:
    unsigned generation_;
    std::shared_ptr<PyDelivery> delivery_;
    std::unique_ptr<MonitorCore> core_;
};

}  // namespace pysens2
