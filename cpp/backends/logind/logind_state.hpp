// The state right now from systemd-logind: what pysens2.sessions(),
// is_locked(), console_session() and idle_time() return on Linux.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pysens2 {

struct LogindSession {
    std::string id, user, seat, state;  // state: "active", "online", "closing"
    std::optional<bool> locked;         // LockedHint; nullopt without a seat
    bool remote = false;
    std::string remote_host;
    std::optional<std::int64_t> logon_ns, idle_since_ns;  // Unix epoch
    bool idle = false;
};

// Each throws BackendUnavailable when logind cannot be reached, and
// std::runtime_error for a call logind refuses (an unknown session).
std::vector<LogindSession> logind_sessions();
LogindSession logind_session(const std::string& id);
// XDG_SESSION_ID, else logind's session of this process.
std::string logind_current_session_id();
// seat0's active session; nullopt when there is none (or no seat0).
std::optional<std::string> logind_console_session_id();

}  // namespace pysens2
