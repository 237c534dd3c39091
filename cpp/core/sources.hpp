// Every mechanism and method or code an event can arrive by: the label users
// see as event.source, and the event type it delivers. Labels only; how each
// source is reached lives with its backend (cpp/backends, cpp/com).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event_types.hpp"

namespace pysens2 {

enum class Source : std::uint8_t {
    // ISensLogon (no session id) and ISensLogon2, in vtable order.
    Logon_Logon,
    Logon_Logoff,
    Logon_StartShell,
    Logon_DisplayLock,
    Logon_DisplayUnlock,
    Logon_StartScreenSaver,
    Logon_StopScreenSaver,
    Logon2_Logon,
    Logon2_Logoff,
    Logon2_SessionDisconnect,
    Logon2_SessionReconnect,
    Logon2_PostShell,
    // WM_WTSSESSION_CHANGE, by wParam code (1-9, then any other code).
    Wts_ConsoleConnect,
    Wts_ConsoleDisconnect,
    Wts_RemoteConnect,
    Wts_RemoteDisconnect,
    Wts_SessionLogon,
    Wts_SessionLogoff,
    Wts_SessionLock,
    Wts_SessionUnlock,
    Wts_SessionRemoteControl,
    Wts_Other,
    // SERVICE_CONTROL_SESSIONCHANGE: the same codes, through a service's handler.
    Service_ConsoleConnect,
    Service_ConsoleDisconnect,
    Service_RemoteConnect,
    Service_RemoteDisconnect,
    Service_SessionLogon,
    Service_SessionLogoff,
    Service_SessionLock,
    Service_SessionUnlock,
    Service_SessionRemoteControl,
    Service_Other,
    // systemd-logind on D-Bus: Manager signals, Session properties, the bus.
    Logind_SessionNew,
    Logind_SessionRemoved,
    Logind_Locked,
    Logind_Unlocked,
    Logind_Activated,
    Logind_Deactivated,
    Logind_IdleStart,
    Logind_IdleEnd,
    Logind_Sleep,
    Logind_Resume,
    Logind_Shutdown,
    Logind_ShutdownCancelled,
    Logind_Lost,
    Logind_Restored,
};
inline constexpr std::size_t kSourceCount = 46;

// How a source names sessions: Windows session ids are numbers, logind's are
// strings ("2", "c1"), kept as logind gives them (loginctl takes them back).
enum class SessionKind : std::uint8_t { None, Number, Name };

struct SourceInfo {
    EventType type;
    SessionKind session;
    // "ISensLogon2.SessionDisconnect", "WTS.SESSION_LOCK", "logind.LockedHint";
    // with the type, it names the source uniquely.
    std::string_view name;
    bool has_session() const { return session != SessionKind::None; }
};

inline constexpr std::array<SourceInfo, kSourceCount> kSources{{
    {EventType::Logon, SessionKind::None, "ISensLogon.Logon"},
    {EventType::Logoff, SessionKind::None, "ISensLogon.Logoff"},
    {EventType::StartShell, SessionKind::None, "ISensLogon.StartShell"},
    {EventType::DisplayLock, SessionKind::None, "ISensLogon.DisplayLock"},
    {EventType::DisplayUnlock, SessionKind::None, "ISensLogon.DisplayUnlock"},
    {EventType::StartScreenSaver, SessionKind::None, "ISensLogon.StartScreenSaver"},
    {EventType::StopScreenSaver, SessionKind::None, "ISensLogon.StopScreenSaver"},
    {EventType::Logon, SessionKind::Number, "ISensLogon2.Logon"},
    {EventType::Logoff, SessionKind::Number, "ISensLogon2.Logoff"},
    {EventType::SessionDisconnect, SessionKind::Number, "ISensLogon2.SessionDisconnect"},
    {EventType::SessionReconnect, SessionKind::Number, "ISensLogon2.SessionReconnect"},
    {EventType::PostShell, SessionKind::Number, "ISensLogon2.PostShell"},
    {EventType::ConsoleConnect, SessionKind::Number, "WTS.CONSOLE_CONNECT"},
    {EventType::ConsoleDisconnect, SessionKind::Number, "WTS.CONSOLE_DISCONNECT"},
    {EventType::RemoteConnect, SessionKind::Number, "WTS.REMOTE_CONNECT"},
    {EventType::RemoteDisconnect, SessionKind::Number, "WTS.REMOTE_DISCONNECT"},
    {EventType::Logon, SessionKind::Number, "WTS.SESSION_LOGON"},
    {EventType::Logoff, SessionKind::Number, "WTS.SESSION_LOGOFF"},
    {EventType::DisplayLock, SessionKind::Number, "WTS.SESSION_LOCK"},
    {EventType::DisplayUnlock, SessionKind::Number, "WTS.SESSION_UNLOCK"},
    {EventType::RemoteControl, SessionKind::Number, "WTS.SESSION_REMOTE_CONTROL"},
    {EventType::SessionChange, SessionKind::Number, "WTS.OTHER"},
    {EventType::ConsoleConnect, SessionKind::Number, "SERVICE.CONSOLE_CONNECT"},
    {EventType::ConsoleDisconnect, SessionKind::Number, "SERVICE.CONSOLE_DISCONNECT"},
    {EventType::RemoteConnect, SessionKind::Number, "SERVICE.REMOTE_CONNECT"},
    {EventType::RemoteDisconnect, SessionKind::Number, "SERVICE.REMOTE_DISCONNECT"},
    {EventType::Logon, SessionKind::Number, "SERVICE.SESSION_LOGON"},
    {EventType::Logoff, SessionKind::Number, "SERVICE.SESSION_LOGOFF"},
    {EventType::DisplayLock, SessionKind::Number, "SERVICE.SESSION_LOCK"},
    {EventType::DisplayUnlock, SessionKind::Number, "SERVICE.SESSION_UNLOCK"},
    {EventType::RemoteControl, SessionKind::Number, "SERVICE.SESSION_REMOTE_CONTROL"},
    {EventType::SessionChange, SessionKind::Number, "SERVICE.OTHER"},
    {EventType::Logon, SessionKind::Name, "logind.SessionNew"},
    {EventType::Logoff, SessionKind::Name, "logind.SessionRemoved"},
    {EventType::DisplayLock, SessionKind::Name, "logind.LockedHint"},
    {EventType::DisplayUnlock, SessionKind::Name, "logind.LockedHint"},
    {EventType::ConsoleConnect, SessionKind::Name, "logind.Active"},
    {EventType::ConsoleDisconnect, SessionKind::Name, "logind.Active"},
    {EventType::IdleStart, SessionKind::Name, "logind.IdleHint"},
    {EventType::IdleEnd, SessionKind::Name, "logind.IdleHint"},
    {EventType::SystemSleep, SessionKind::None, "logind.PrepareForSleep"},
    {EventType::SystemResume, SessionKind::None, "logind.PrepareForSleep"},
    {EventType::SystemShutdown, SessionKind::None, "logind.PrepareForShutdown"},
    {EventType::ShutdownCancelled, SessionKind::None, "logind.PrepareForShutdown"},
    {EventType::SourceLost, SessionKind::None, "logind.bus"},
    {EventType::SourceRestored, SessionKind::None, "logind.bus"},
}};

inline constexpr const SourceInfo& source_info(Source s) {
    return kSources[static_cast<std::size_t>(s)];
}

// The WTS session-change codes (WM_WTSSESSION_CHANGE's wParam, and
// SERVICE_CONTROL_SESSIONCHANGE's event type): 1 WTS_CONSOLE_CONNECT ...
// 9 WTS_SESSION_REMOTE_CONTROL. Any other code maps to the *_Other source.
inline constexpr std::uint32_t kWtsFirstCode = 1, kWtsLastCode = 9;
inline constexpr Source wts_source(std::uint32_t code) {
    return code >= kWtsFirstCode && code <= kWtsLastCode
               ? static_cast<Source>(static_cast<std::size_t>(Source::Wts_ConsoleConnect) + code - 1)
               : Source::Wts_Other;
}
inline constexpr Source service_source(std::uint32_t code) {
    return code >= kWtsFirstCode && code <= kWtsLastCode
               ? static_cast<Source>(static_cast<std::size_t>(Source::Service_ConsoleConnect) +
                                     code - 1)
               : Source::Service_Other;
}

// The event types WM_WTSSESSION_CHANGE (and a service's session-change
// control) deliver: codes 1-9, and SessionChange for any other code.
EventMask wts_event_mask();

// The event types logind delivers.
EventMask logind_event_mask();

// The source SessionEvent(...) assumes when none is named: SENS where it
// delivers the type as given (with a numeric session id or none), else WTS,
// else logind (a session name).
std::optional<Source> default_source(EventType type, SessionKind session);
// The source of this name that delivers `type`.
std::optional<Source> source_named(std::string_view name, EventType type);
// Whether any source has this name.
bool is_source_name(std::string_view name);

}  // namespace pysens2
