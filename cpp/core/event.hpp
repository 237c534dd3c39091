// One session event as the sink received it: plain data, no Python.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clock.hpp"
#include "event_types.hpp"

namespace pysens2 {

struct Event {
    Source source = Source::Logon2_Logon;
    bool has_session = false;   // ISensLogon carries no session id
    std::uint32_t session_id = 0;
    std::string user;           // UTF-8
    std::int64_t monotonic_ns = 0;  // monotonic_now_ns() (clock.hpp), stamped by the sink at receipt
    // System clock (Unix epoch) at receipt. The dispatcher derives it from
    // monotonic_ns: one clock read per event on the sink's hot path, not two.
    std::int64_t wall_ns = 0;

    EventType type() const { return source_info(source).type; }
};

// Sets wall_ns of each event from its monotonic_ns, using the offset
// between the two clocks now.
void stamp_wall_clock(std::vector<Event>& events);

}  // namespace pysens2
