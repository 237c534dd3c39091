// The state of the machine's sessions right now, from the WTS API
// (DESIGN.md §7): what pysens2.sessions(), is_locked(), console_session()
// and idle_time() return on Windows, and the user of each WTS event.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wts_api.hpp"

namespace pysens2 {

struct SessionRecord {
    std::uint32_t session_id = 0;
    std::string user, domain;  // empty when nobody is logged on
    int state = -1;            // WTS_CONNECTSTATE_CLASS; -1 when unknown
    std::optional<bool> locked;  // nullopt: unknown (Vista, TermService down)
    std::string station;         // "Console", "RDP-Tcp#3", "Services"
    bool remote = false;
    std::string client_name;
    std::optional<std::string> client_address;
    // Unix-epoch nanoseconds, where the system gives them.
    std::optional<std::int64_t> logon_ns, connect_ns, disconnect_ns, last_input_ns;
};

class WtsState {
public:
    explicit WtsState(const WtsApi& api = system_wts_api()) : api_(api) {}

    // Every session (ComError when the session list cannot be read:
    // TermService not running).
    std::vector<SessionRecord> sessions() const;
    // One session; what cannot be read stays unknown.
    SessionRecord session(std::uint32_t id) const;
    // This process's session (ProcessIdToSessionId: works without TermService).
    std::uint32_t current_session_id() const;
    // The session attached to the console, retried while it reads 0xFFFFFFFF
    // (being attached or detached) for up to `patience`; nullopt when none
    // is attached then, or nobody is logged on at it.
    std::optional<std::uint32_t> console_session_id(std::chrono::milliseconds patience) const;
    // True/False, or nullopt when unknown: WTSSessionInfoEx's flag, which
    // Windows 7 / Server 2008 R2 report reversed and Vista / 2008 lack.
    std::optional<bool> is_locked(std::uint32_t id) const;
    // Seconds since this session's last input (the 32-bit tick wrap handled).
    double idle_seconds() const;
    // A session's user and domain, as WTS gives them apart; empty on failure.
    std::pair<std::string, std::string> user_of(std::uint32_t id) const;

private:
    std::optional<std::wstring> query_string(std::uint32_t id, WTS_INFO_CLASS what) const;
    const WtsApi& api_;
};

// FILETIME ticks (100 ns since 1601) to Unix-epoch ns; nullopt for 0.
std::optional<std::int64_t> filetime_to_unix_ns(std::int64_t ticks);

}  // namespace pysens2
