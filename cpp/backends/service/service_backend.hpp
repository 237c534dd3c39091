// Session changes a Windows service receives (SERVICE_CONTROL_SESSIONCHANGE)
// handed to a monitor. post() runs on the service manager's thread: it only
// queues and returns; the user is looked up on the backend's own thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "core/backend.hpp"

namespace pysens2 {

class ServiceBackend : public Backend {
public:
    // A session's (user, domain); empty on failure. May block briefly (an RPC).
    using UserLookup = std::function<std::pair<std::string, std::string>(std::uint32_t)>;
    // Queues one session change (a WTS code and session id). Never blocks on
    // anything but a short lock; false when the monitor is not running.
    virtual bool post(std::uint32_t code, std::uint32_t session_id) noexcept = 0;
};

// `lookup` may be empty (no user lookup); `own_session` is the process's.
std::unique_ptr<ServiceBackend> make_service_backend(ServiceBackend::UserLookup lookup,
                                                     std::function<std::uint32_t()> own_session);

}  // namespace pysens2
