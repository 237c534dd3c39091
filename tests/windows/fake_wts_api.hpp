// A WtsApi whose answers the tests set: Wine's wtsapi32 implements little,
// and no real machine here has Remote Desktop sessions to report.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/wts/wts_api.hpp"

namespace fake_wts {

struct Session {
    std::optional<std::wstring> user, domain;  // nullopt: the query fails
    std::wstring station = L"Console";
    WTS_CONNECTSTATE_CLASS state = WTSActive;
    LONG session_flags = pysens2::kWtsSessionStateUnlock;
    std::int64_t logon_ticks = 0;  // FILETIME ticks; 0: not given
    std::optional<std::wstring> client_name;
    DWORD address_family = 0;
    std::uint8_t address[20] = {};
    USHORT protocol = 0;  // WTSClientProtocolType
};

struct State {
    std::mutex mutex;
    std::map<DWORD, Session> sessions;
    bool termservice_down = false;   // every WTS query fails
    int not_ready_failures = 0;      // registrations failing with RPC_S_INVALID_BINDING first
    DWORD register_error = 0;        // then this error, if non-zero
    std::vector<DWORD> register_flags;
    int unregistered = 0;
    bool window_alive_at_unregister = false;
    std::vector<DWORD> console_ids;  // WTSGetActiveConsoleSessionId's answers, in turn
    std::uint32_t os_version = (10u << 16);
    DWORD own_session = 1;
    DWORD last_input_tick = 0, tick_now = 0;

    void reset();
};

State& state();
const pysens2::WtsApi& api();

}  // namespace fake_wts
