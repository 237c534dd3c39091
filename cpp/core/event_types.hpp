// The ten SENS logon events and the twelve interface methods that deliver them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pysens2 {

// Order is part of the binding contract: the Python EventType enum lists its
// members in this order and a test keeps the two in step.
enum class EventType : std::uint8_t {
    Logon,
    Logoff,
    PostShell,
    SessionDisconnect,
    SessionReconnect,
    StartShell,
    DisplayLock,
    DisplayUnlock,
    StartScreenSaver,
    StopScreenSaver,
};
inline constexpr std::size_t kEventTypeCount = 10;

// Which interface a call arrived on; the two share Logon and Logoff.
enum class SensInterface : std::uint8_t { Logon, Logon2 };

// One entry per interface method (vtable slot / DISPID).
enum class Source : std::uint8_t {
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
};
inline constexpr std::size_t kSourceCount = 12;

struct SourceInfo {
    SensInterface iface;
    EventType type;
    std::int32_t dispid;         // DISPID on its interface (DESIGN.md §2)
    std::string_view method;     // method name, as GetIDsOfNames matches it
    std::string_view qualified;  // "ISensLogon2.SessionDisconnect"
};

inline constexpr std::array<SourceInfo, kSourceCount> kSources{{
    {SensInterface::Logon, EventType::Logon, 1, "Logon", "ISensLogon.Logon"},
    {SensInterface::Logon, EventType::Logoff, 2, "Logoff", "ISensLogon.Logoff"},
    {SensInterface::Logon, EventType::StartShell, 3, "StartShell", "ISensLogon.StartShell"},
    {SensInterface::Logon, EventType::DisplayLock, 4, "DisplayLock", "ISensLogon.DisplayLock"},
    {SensInterface::Logon, EventType::DisplayUnlock, 5, "DisplayUnlock", "ISensLogon.DisplayUnlock"},
    {SensInterface::Logon, EventType::StartScreenSaver, 6, "StartScreenSaver",
     "ISensLogon.StartScreenSaver"},
    {SensInterface::Logon, EventType::StopScreenSaver, 7, "StopScreenSaver",
     "ISensLogon.StopScreenSaver"},
    {SensInterface::Logon2, EventType::Logon, 1, "Logon", "ISensLogon2.Logon"},
    {SensInterface::Logon2, EventType::Logoff, 2, "Logoff", "ISensLogon2.Logoff"},
    {SensInterface::Logon2, EventType::SessionDisconnect, 3, "SessionDisconnect",
     "ISensLogon2.SessionDisconnect"},
    {SensInterface::Logon2, EventType::SessionReconnect, 4, "SessionReconnect",
     "ISensLogon2.SessionReconnect"},
    {SensInterface::Logon2, EventType::PostShell, 5, "PostShell", "ISensLogon2.PostShell"},
}};

inline constexpr const SourceInfo& source_info(Source s) {
    return kSources[static_cast<std::size_t>(s)];
}

// Upper-case names as Python's EventType spells its members.
inline constexpr std::array<std::string_view, kEventTypeCount> kEventTypeNames{{
    "LOGON",
    "LOGOFF",
    "POST_SHELL",
    "SESSION_DISCONNECT",
    "SESSION_RECONNECT",
    "START_SHELL",
    "DISPLAY_LOCK",
    "DISPLAY_UNLOCK",
    "START_SCREEN_SAVER",
    "STOP_SCREEN_SAVER",
}};

// The source a monitor subscribes to for each event type: ISensLogon2 where it
// carries the event (it has the session id), ISensLogon otherwise.
Source canonical_source(EventType type);

using EventMask = std::uint32_t;
inline constexpr EventMask kAllEvents = (1u << kEventTypeCount) - 1;
inline constexpr EventMask mask_of(EventType t) { return 1u << static_cast<unsigned>(t); }

}  // namespace pysens2
