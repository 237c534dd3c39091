#include "event_types.hpp"

#include "event.hpp"

namespace pysens2 {

Source canonical_source(EventType type) {
    switch (type) {
        case EventType::Logon: return Source::Logon2_Logon;
        case EventType::Logoff: return Source::Logon2_Logoff;
        case EventType::PostShell: return Source::Logon2_PostShell;
        case EventType::SessionDisconnect: return Source::Logon2_SessionDisconnect;
        case EventType::SessionReconnect: return Source::Logon2_SessionReconnect;
        case EventType::StartShell: return Source::Logon_StartShell;
        case EventType::DisplayLock: return Source::Logon_DisplayLock;
        case EventType::DisplayUnlock: return Source::Logon_DisplayUnlock;
        case EventType::StartScreenSaver: return Source::Logon_StartScreenSaver;
        case EventType::StopScreenSaver: return Source::Logon_StopScreenSaver;
    }
    return Source::Logon2_Logon;
}

void stamp_wall_clock(std::vector<Event>& events) {
    const std::int64_t offset = wall_now_ns() - monotonic_now_ns();
    for (Event& e : events) e.wall_ns = e.monotonic_ns + offset;
}

}  // namespace pysens2
