// C++ exceptions the bindings translate into pysens2's Python exceptions.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace pysens2 {

// -> pysens2.BackendUnavailableError
class BackendUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// -> pysens2.ComError; what() names the failed step, hresult() is the code.
class ComError : public std::runtime_error {
public:
    ComError(const std::string& message, std::int32_t hresult)
        : std::runtime_error(message), hresult_(hresult) {}
    std::int32_t hresult() const { return hresult_; }

private:
    std::int32_t hresult_;
};

// -> RuntimeError: a call that does not fit the monitor's current state.
class StateError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

}  // namespace pysens2
