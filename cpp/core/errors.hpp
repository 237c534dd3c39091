// C++ exceptions the bindings translate into pysens2's Python exceptions.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace pysens2 {

// -> pysens2.BackendUnavailableError
class BackendUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// -> pysens2.ComError; what() names the failed step and the code, hresult()
// is the code, system_message() what the system says of it (may be empty).
class ComError : public std::runtime_error {
public:
    ComError(const std::string& message, std::uint32_t hresult, std::string system_message = {})
        : std::runtime_error(message), hresult_(hresult), system_message_(std::move(system_message)) {}
    std::uint32_t hresult() const { return hresult_; }
    const std::string& system_message() const { return system_message_; }

private:
    std::uint32_t hresult_;
    std::string system_message_;
};

// -> pysens2.MonitorStopped: get() on a monitor that has stopped and has
// nothing left to hand out.
class MonitorStopped : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// -> pysens2.Error: a monitor used in a process forked from its own.
class ForkedMonitor : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// -> RuntimeError: a call that does not fit the monitor's current state.
class StateError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

}  // namespace pysens2
