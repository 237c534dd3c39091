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
};
inline constexpr std::size_t kSourceCount = 32;

struct SourceInfo {
    EventType type;
    bool has_session;       // whether its events carry a session id
    std::string_view name;  // "ISensLogon2.SessionDisconnect", "WTS.SESSION_LOCK"
};

inline constexpr std::array<SourceInfo, kSourceCount> kSources{{
    {EventType::Logon, false, "ISensLogon.Logon"},
    {EventType::Logoff, false, "ISensLogon.Logoff"},
    {EventType::StartShell, false, "ISensLogon.StartShell"},
    {EventType::DisplayLock, false, "ISensLogon.DisplayLock"},
    {EventType::DisplayUnlock, false, "ISensLogon.DisplayUnlock"},
    {EventType::StartScreenSaver, false, "ISensLogon.StartScreenSaver"},
    {EventType::StopScreenSaver, false, "ISensLogon.StopScreenSaver"},
    {EventType::Logon, true, "ISensLogon2.Logon"},
    {EventType::Logoff, true, "ISensLogon2.Logoff"},
    {EventType::SessionDisconnect, true, "ISensLogon2.SessionDisconnect"},
    {EventType::SessionReconnect, true, "ISensLogon2.SessionReconnect"},
    {EventType::PostShell, true, "ISensLogon2.PostShell"},
    {EventType::ConsoleConnect, true, "WTS.CONSOLE_CONNECT"},
    {EventType::ConsoleDisconnect, true, "WTS.CONSOLE_DISCONNECT"},
    {EventType::RemoteConnect, true, "WTS.REMOTE_CONNECT"},
    {EventType::RemoteDisconnect, true, "WTS.REMOTE_DISCONNECT"},
    {EventType::Logon, true, "WTS.SESSION_LOGON"},
    {EventType::Logoff, true, "WTS.SESSION_LOGOFF"},
    {EventType::DisplayLock, true, "WTS.SESSION_LOCK"},
    {EventType::DisplayUnlock, true, "WTS.SESSION_UNLOCK"},
    {EventType::RemoteControl, true, "WTS.SESSION_REMOTE_CONTROL"},
    {EventType::SessionChange, true, "WTS.OTHER"},
    {EventType::ConsoleConnect, true, "SERVICE.CONSOLE_CONNECT"},
    {EventType::ConsoleDisconnect, true, "SERVICE.CONSOLE_DISCONNECT"},
    {EventType::RemoteConnect, true, "SERVICE.REMOTE_CONNECT"},
    {EventType::RemoteDisconnect, true, "SERVICE.REMOTE_DISCONNECT"},
    {EventType::Logon, true, "SERVICE.SESSION_LOGON"},
    {EventType::Logoff, true, "SERVICE.SESSION_LOGOFF"},
    {EventType::DisplayLock, true, "SERVICE.SESSION_LOCK"},
    {EventType::DisplayUnlock, true, "SERVICE.SESSION_UNLOCK"},
    {EventType::RemoteControl, true, "SERVICE.SESSION_REMOTE_CONTROL"},
    {EventType::SessionChange, true, "SERVICE.OTHER"},
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

// The source SessionEvent(...) assumes when none is named: SENS where it
// delivers the type as given (with or without a session id), else WTS.
std::optional<Source> default_source(EventType type, bool has_session);
std::optional<Source> source_named(std::string_view name);

}  // namespace pysens2
