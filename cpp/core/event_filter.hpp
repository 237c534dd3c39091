// Which events a source hands on: the monitor's event types, and optionally
// only the process's own session (events without a session always pass).
#pragma once

#include <cstdint>
#include <string>

#include "event.hpp"

namespace pysens2 {

struct EventFilter {
    EventMask mask = kAllEvents;
    bool all_sessions = true;
    std::uint32_t own_session = 0;  // Windows
    std::string own_session_name;   // logind

    bool accepts(const Event& e) const {
        if (!(mask & mask_of(e.type()))) return false;
        if (all_sessions || !e.has_session) return true;
        return source_info(e.source).session == SessionKind::Name
                   ? e.session_name == own_session_name
                   : e.session_id == own_session;
    }
};

}  // namespace pysens2
