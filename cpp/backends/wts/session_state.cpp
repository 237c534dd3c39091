#include "session_state.hpp"

#include <cstring>
#include <thread>

#include "backends/windows/process_session.hpp"
#include "backends/windows/win_error.hpp"
#include "client_address.hpp"
#include "core/errors.hpp"
#include "core/utf16.hpp"

namespace pysens2 {
namespace {

std::string narrow(const wchar_t* text, std::size_t max) {
    std::size_t n = 0;
    while (n < max && text[n]) ++n;
    return utf16_to_utf8(reinterpret_cast<const char16_t*>(text), n);
}

// A WTSQuerySessionInformationW buffer, freed with WTSFreeMemory.
class WtsBuffer {
public:
    explicit WtsBuffer(const WtsApi& api) : api_(api) {}
    ~WtsBuffer() {
        if (p_) api_.free_memory(p_);
    }
    WtsBuffer(const WtsBuffer&) = delete;
    WtsBuffer& operator=(const WtsBuffer&) = delete;
    LPWSTR* put() { return &p_; }
    LPWSTR get() const { return p_; }

private:
    const WtsApi& api_;
    LPWSTR p_ = nullptr;
};

constexpr std::uint32_t kWindows7 = (6u << 16) | 1u;
constexpr std::uint32_t kVista = (6u << 16) | 0u;

}  // namespace

std::optional<std::int64_t> filetime_to_unix_ns(std::int64_t ticks) {
    constexpr std::int64_t kEpochDelta = 116444736000000000;  // 1601 -> 1970, in 100 ns
    if (ticks <= 0) return std::nullopt;
    return (ticks - kEpochDelta) * 100;
}

std::optional<std::wstring> WtsState::query_string(std::uint32_t id, WTS_INFO_CLASS what) const {
    WtsBuffer buf(api_);
    DWORD bytes = 0;
    if (!api_.query_session(WTS_CURRENT_SERVER_HANDLE, id, what, buf.put(), &bytes) || !buf.get())
        return std::nullopt;
    return std::wstring(buf.get());
}

std::pair<std::string, std::string> WtsState::user_of(std::uint32_t id) const {
    auto user = query_string(id, WTSUserName);
    auto domain = query_string(id, WTSDomainName);
    auto to8 = [](const std::optional<std::wstring>& w) {
        return w ? narrow(w->c_str(), w->size()) : std::string();
    };
    return {to8(user), to8(domain)};
}

std::optional<bool> WtsState::is_locked(std::uint32_t id) const {
    const std::uint32_t version = api_.os_version();
    if (version != 0 && version <= kVista) return std::nullopt;  // no WTSSessionInfoEx there
    WtsBuffer buf(api_);
    DWORD bytes = 0;
    if (!api_.query_session(WTS_CURRENT_SERVER_HANDLE, id, kWTSSessionInfoEx, buf.put(), &bytes) ||
        !buf.get() || bytes < sizeof(WtsInfoEx))
        return std::nullopt;
    WtsInfoEx info;
    std::memcpy(&info, buf.get(), sizeof info);
    if (info.Level != 1) return std::nullopt;
    const LONG flags = info.Data.WTSInfoExLevel1.SessionFlags;
    const bool reversed = version == kWindows7;  // a documented defect
    if (flags == kWtsSessionStateLock) return !reversed;
    if (flags == kWtsSessionStateUnlock) return reversed;
    return std::nullopt;  // WTS_SESSIONSTATE_UNKNOWN
}

SessionRecord WtsState::session(std::uint32_t id) const {
    SessionRecord r;
    r.session_id = id;
    std::tie(r.user, r.domain) = user_of(id);
    {
        WtsBuffer buf(api_);
        DWORD bytes = 0;
        if (api_.query_session(WTS_CURRENT_SERVER_HANDLE, id, kWTSSessionInfoEx, buf.put(),
                               &bytes) &&
            buf.get() && bytes >= sizeof(WtsInfoEx)) {
            WtsInfoEx info;
            std::memcpy(&info, buf.get(), sizeof info);
            if (info.Level == 1) {
                const WtsInfoExLevel1& l1 = info.Data.WTSInfoExLevel1;
                r.state = static_cast<int>(l1.SessionState);
                r.station = narrow(l1.WinStationName, 33);
                r.logon_ns = filetime_to_unix_ns(l1.LogonTime.QuadPart);
                r.connect_ns = filetime_to_unix_ns(l1.ConnectTime.QuadPart);
                r.disconnect_ns = filetime_to_unix_ns(l1.DisconnectTime.QuadPart);
                r.last_input_ns = filetime_to_unix_ns(l1.LastInputTime.QuadPart);
            }
        }
    }
    r.locked = is_locked(id);
    if (r.state < 0) {
        WtsBuffer buf(api_);
        DWORD bytes = 0;
        if (api_.query_session(WTS_CURRENT_SERVER_HANDLE, id, WTSConnectState, buf.put(), &bytes) &&
            buf.get() && bytes >= sizeof(int))
            std::memcpy(&r.state, buf.get(), sizeof(int));
    }
    if (r.station.empty()) {
        if (auto s = query_string(id, WTSWinStationName)) r.station = narrow(s->c_str(), s->size());
    }
    if (auto name = query_string(id, WTSClientName)) r.client_name = narrow(name->c_str(), name->size());
    {
        WtsBuffer buf(api_);
        DWORD bytes = 0;
        if (api_.query_session(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, buf.put(), &bytes) &&
            buf.get() && bytes >= sizeof(WTS_CLIENT_ADDRESS)) {
            WTS_CLIENT_ADDRESS address;
            std::memcpy(&address, buf.get(), sizeof address);
            r.client_address = format_client_address(address.AddressFamily, address.Address);
        }
    }
    {
        // WTSClientProtocolType: 0 console, 1 ICA (Citrix), 2 RDP.
        WtsBuffer buf(api_);
        DWORD bytes = 0;
        if (api_.query_session(WTS_CURRENT_SERVER_HANDLE, id, WTSClientProtocolType, buf.put(),
                               &bytes) &&
            buf.get() && bytes >= sizeof(USHORT)) {
            USHORT protocol = 0;
            std::memcpy(&protocol, buf.get(), sizeof protocol);
            r.remote = protocol != 0;
        }
    }
    return r;
}

std::vector<SessionRecord> WtsState::sessions() const {
    PWTS_SESSION_INFOW list = nullptr;
    DWORD count = 0;
    if (!api_.enumerate_sessions(WTS_CURRENT_SERVER_HANDLE, 0, 1, &list, &count)) {
        const HRESULT hr = last_error_hresult();
        throw ComError("WTSEnumerateSessionsW failed: " + hresult_hex(hr) + " " +
                           system_message(hr) +
                           " (is the Remote Desktop Services service, TermService, running?)",
                       static_cast<std::uint32_t>(hr), system_message(hr));
    }
    std::vector<DWORD> ids;
    for (DWORD i = 0; i < count; ++i) ids.push_back(list[i].SessionId);
    api_.free_memory(list);
    std::vector<SessionRecord> out;
    for (DWORD id : ids) out.push_back(session(id));
    return out;
}

std::uint32_t WtsState::current_session_id() const {
    DWORD session = 0;
    if (!api_.process_session(GetCurrentProcessId(), &session)) {
        const HRESULT hr = last_error_hresult();
        throw ComError("ProcessIdToSessionId failed: " + hresult_hex(hr),
                       static_cast<std::uint32_t>(hr), system_message(hr));
    }
    return session;
}

std::optional<std::uint32_t> WtsState::console_session_id(std::chrono::milliseconds patience) const {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        const DWORD id = api_.active_console_session();
        if (id != 0xFFFFFFFFu) {
            // The logon screen's session when nobody is logged on: no user.
            if (user_of(id).first.empty()) return std::nullopt;
            return id;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

double WtsState::idle_seconds() const {
    LASTINPUTINFO info{};
    info.cbSize = sizeof info;
    if (!api_.last_input(&info)) {
        const HRESULT hr = last_error_hresult();
        throw ComError("GetLastInputInfo failed: " + hresult_hex(hr),
                       static_cast<std::uint32_t>(hr), system_message(hr));
    }
    // Both are 32-bit tick counts: unsigned subtraction survives the 49.7-day wrap.
    const DWORD elapsed = static_cast<DWORD>(api_.tick_count() - info.dwTime);
    return static_cast<double>(elapsed) / 1000.0;
}

}  // namespace pysens2
