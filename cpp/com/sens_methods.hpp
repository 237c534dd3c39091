// The twelve methods of ISensLogon and ISensLogon2: which interface, DISPID
// and name each has, and the Source (core/sources.hpp) each delivers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "../core/sources.hpp"

namespace pysens2 {

// Which interface a call arrived on; the two share Logon and Logoff.
enum class SensInterface : std::uint8_t { Logon, Logon2 };

struct SensMethod {
    Source source;
    SensInterface iface;
    std::int32_t dispid;      // DISPID on its interface (DESIGN.md §2)
    std::string_view method;  // as GetIDsOfNames matches it
};

inline constexpr std::size_t kSensMethodCount = 12;
// In Source order: the first twelve sources are these methods.
inline constexpr std::array<SensMethod, kSensMethodCount> kSensMethods{{
    {Source::Logon_Logon, SensInterface::Logon, 1, "Logon"},
    {Source::Logon_Logoff, SensInterface::Logon, 2, "Logoff"},
    {Source::Logon_StartShell, SensInterface::Logon, 3, "StartShell"},
    {Source::Logon_DisplayLock, SensInterface::Logon, 4, "DisplayLock"},
    {Source::Logon_DisplayUnlock, SensInterface::Logon, 5, "DisplayUnlock"},
    {Source::Logon_StartScreenSaver, SensInterface::Logon, 6, "StartScreenSaver"},
    {Source::Logon_StopScreenSaver, SensInterface::Logon, 7, "StopScreenSaver"},
    {Source::Logon2_Logon, SensInterface::Logon2, 1, "Logon"},
    {Source::Logon2_Logoff, SensInterface::Logon2, 2, "Logoff"},
    {Source::Logon2_SessionDisconnect, SensInterface::Logon2, 3, "SessionDisconnect"},
    {Source::Logon2_SessionReconnect, SensInterface::Logon2, 4, "SessionReconnect"},
    {Source::Logon2_PostShell, SensInterface::Logon2, 5, "PostShell"},
}};

// The method behind a SENS source; nullptr for any other source.
inline const SensMethod* sens_method(Source s) {
    const auto i = static_cast<std::size_t>(s);
    return i < kSensMethodCount ? &kSensMethods[i] : nullptr;
}

// The method a monitor subscribes to for an event type: ISensLogon2 where it
// carries the event (it has the session id), ISensLogon otherwise; none for
// types SENS does not deliver.
std::optional<Source> sens_source_for(EventType type);
// The event types SENS delivers.
EventMask sens_event_mask();

}  // namespace pysens2
