// The session event types every backend maps its notifications onto.
#pragma once

#include <array>
#include <cstddef>
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
    ConsoleConnect,
    ConsoleDisconnect,
    RemoteConnect,
    RemoteDisconnect,
    RemoteControl,
    SessionChange,  // a notification code pysens2 does not know (Event::code)
    IdleStart,
    IdleEnd,
    SystemSleep,
    SystemResume,
    SystemShutdown,
    ShutdownCancelled,
    SourceLost,      // the source went away: events may be missed until...
    SourceRestored,  // ...it is back (state re-read; nothing invented)
};
inline constexpr std::size_t kEventTypeCount = 24;

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
    "CONSOLE_CONNECT",
    "CONSOLE_DISCONNECT",
    "REMOTE_CONNECT",
    "REMOTE_DISCONNECT",
    "REMOTE_CONTROL",
    "SESSION_CHANGE",
    "IDLE_START",
    "IDLE_END",
    "SYSTEM_SLEEP",
    "SYSTEM_RESUME",
    "SYSTEM_SHUTDOWN",
    "SHUTDOWN_CANCELLED",
    "SOURCE_LOST",
    "SOURCE_RESTORED",
}};

inline constexpr std::string_view type_name(EventType t) {
    return kEventTypeNames[static_cast<std::size_t>(t)];
}

using EventMask = std::uint32_t;
inline constexpr EventMask kAllEvents = (1u << kEventTypeCount) - 1;
inline constexpr EventMask mask_of(EventType t) { return 1u << static_cast<unsigned>(t); }

}  // namespace pysens2
