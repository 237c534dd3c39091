#include "fake_wts_api.hpp"

#include <cstring>
#include <cwchar>

namespace fake_wts {
namespace {

// Buffers are plain new[]; the fake WTSFreeMemory deletes them.
LPWSTR copy_bytes(const void* data, std::size_t size) {
    auto* p = new std::uint8_t[size + 2]();
    std::memcpy(p, data, size);
    return reinterpret_cast<LPWSTR>(p);
}

LPWSTR copy_string(const std::wstring& s, DWORD* bytes) {
    *bytes = static_cast<DWORD>((s.size() + 1) * sizeof(wchar_t));
    return copy_bytes(s.c_str(), *bytes);
}

BOOL WINAPI register_notification(HWND, DWORD flags) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.register_flags.push_back(flags);
    if (s.not_ready_failures > 0) {
        --s.not_ready_failures;
        SetLastError(pysens2::kRpcInvalidBinding);
        return FALSE;
    }
    if (s.register_error) {
        SetLastError(s.register_error);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI unregister_notification(HWND hwnd) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    ++s.unregistered;
    s.window_alive_at_unregister = IsWindow(hwnd) != FALSE;
    return TRUE;
}

BOOL WINAPI query_session(HANDLE, DWORD id, WTS_INFO_CLASS what, LPWSTR* out, DWORD* bytes) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    *out = nullptr;
    auto it = s.sessions.find(id);
    if (s.termservice_down || it == s.sessions.end()) {
        SetLastError(s.termservice_down ? RPC_S_SERVER_UNAVAILABLE : ERROR_FILE_NOT_FOUND);
        return FALSE;
    }
    const Session& x = it->second;
    switch (what) {
        case WTSUserName:
        case WTSDomainName: {
            const auto& v = what == WTSUserName ? x.user : x.domain;
            if (!v) {
                SetLastError(ERROR_ACCESS_DENIED);
                return FALSE;
            }
            *out = copy_string(*v, bytes);
            return TRUE;
        }
        case WTSWinStationName: *out = copy_string(x.station, bytes); return TRUE;
        case WTSClientName:
            if (!x.client_name) return FALSE;
            *out = copy_string(*x.client_name, bytes);
            return TRUE;
        case WTSConnectState: {
            int state = x.state;
            *bytes = sizeof state;
            *out = copy_bytes(&state, sizeof state);
            return TRUE;
        }
        case WTSClientAddress: {
            WTS_CLIENT_ADDRESS a{};
            a.AddressFamily = x.address_family;
            std::memcpy(a.Address, x.address, sizeof a.Address);
            *bytes = sizeof a;
            *out = copy_bytes(&a, sizeof a);
            return TRUE;
        }
        case WTSClientProtocolType:
            *bytes = sizeof x.protocol;
            *out = copy_bytes(&x.protocol, sizeof x.protocol);
            return TRUE;
        default: break;
    }
    if (what == pysens2::kWTSSessionInfoEx) {
        if (s.os_version <= ((6u << 16) | 0u)) {  // Vista / 2008: no such class
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        pysens2::WtsInfoEx info{};
        info.Level = 1;
        auto& l1 = info.Data.WTSInfoExLevel1;
        l1.SessionId = id;
        l1.SessionState = x.state;
        l1.SessionFlags = x.session_flags;
        std::wcsncpy(l1.WinStationName, x.station.c_str(), 32);
        if (x.user) std::wcsncpy(l1.UserName, x.user->c_str(), 20);
        if (x.domain) std::wcsncpy(l1.DomainName, x.domain->c_str(), 17);
        l1.LogonTime.QuadPart = x.logon_ticks;
        *bytes = sizeof info;
        *out = copy_bytes(&info, sizeof info);
        return TRUE;
    }
    SetLastError(ERROR_NOT_SUPPORTED);
    return FALSE;
}

void WINAPI free_memory(PVOID p) { delete[] static_cast<std::uint8_t*>(p); }

BOOL WINAPI enumerate_sessions(HANDLE, DWORD, DWORD, PWTS_SESSION_INFOW* out, DWORD* count) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.termservice_down) {
        SetLastError(RPC_S_SERVER_UNAVAILABLE);
        return FALSE;
    }
    std::vector<WTS_SESSION_INFOW> list;
    for (auto& [id, x] : s.sessions)
        list.push_back({id, const_cast<LPWSTR>(x.station.c_str()), x.state});
    *count = static_cast<DWORD>(list.size());
    *out = reinterpret_cast<PWTS_SESSION_INFOW>(
        copy_bytes(list.data(), list.size() * sizeof(WTS_SESSION_INFOW)));
    return TRUE;
}

DWORD WINAPI active_console_session() {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.console_ids.empty()) return 0xFFFFFFFFu;
    DWORD id = s.console_ids.front();
    if (s.console_ids.size() > 1) s.console_ids.erase(s.console_ids.begin());
    return id;
}

BOOL WINAPI process_session(DWORD, DWORD* id) {
    *id = state().own_session;
    return TRUE;
}

BOOL WINAPI last_input(PLASTINPUTINFO info) {
    info->dwTime = state().last_input_tick;
    return TRUE;
}

DWORD WINAPI tick_count() { return state().tick_now; }
std::uint32_t os_version() { return state().os_version; }
bool wait_ready(DWORD ms) {
    Sleep(ms < 20 ? ms : 20);
    return false;
}

}  // namespace

void State::reset() {
    std::lock_guard<std::mutex> lock(mutex);
    sessions.clear();
    termservice_down = false;
    not_ready_failures = 0;
    register_error = 0;
    register_flags.clear();
    unregistered = 0;
    window_alive_at_unregister = false;
    console_ids.clear();
    os_version = 10u << 16;
    own_session = 1;
    last_input_tick = tick_now = 0;
}

State& state() {
    static State s;
    return s;
}

const pysens2::WtsApi& api() {
    static const pysens2::WtsApi table{
        &register_notification, &unregister_notification, &query_session, &free_memory,
        &enumerate_sessions,    &active_console_session,  &process_session, &last_input,
        &tick_count,            &os_version,              &wait_ready,
    };
    return table;
}

}  // namespace fake_wts
