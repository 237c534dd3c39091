// Which events a sink accepts: the monitor's event types, and optionally only
// the process's own session (events without a session id always pass).
#pragma once

#include <cstdint>

#include "event_types.hpp"

namespace pysens2 {

struct EventFilter {
    EventMask mask = kAllEvents;
    bool all_sessions = true;
    std::uint32_t own_session = 0;

    bool accepts(EventType type, bool has_session, std::uint32_t session_id) const {
        if (!(mask & mask_of(type))) return false;
        return all_sessions || !has_session || session_id == own_session;
    }
};

}  // namespace pysens2
