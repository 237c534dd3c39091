// One session event as its source delivered it: plain data, no Python.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clock.hpp"
#include "sources.hpp"

namespace pysens2 {

struct Event {
    Source source = Source::Logon2_Logon;
    std::uint32_t code = 0;     // the source's own code (WTS: wParam); 0 for SENS
    bool has_session = false;   // ISensLogon carries no session id
    std::uint32_t session_id = 0;  // Windows sessions
    std::string session_name;      // logind sessions ("2", "c1")
    std::string seat;              // logind: "seat0", or empty
    std::string user;           // account name, UTF-8 (may be empty)
    std::string domain;         // UTF-8; empty when the source gave none
    std::int64_t monotonic_ns = 0;  // monotonic_now_ns() (clock.hpp), stamped at receipt
    // System clock (Unix epoch) at receipt. The dispatcher derives it from
    // monotonic_ns: one clock read per event on the source's hot path, not two.
    std::int64_t wall_ns = 0;

    EventType type() const { return source_info(source).type; }
};

// Sets wall_ns of each event from its monotonic_ns, using the offset
// between the two clocks now.
void stamp_wall_clock(std::vector<Event>& events);

// Splits "DOMAIN\user" (as SENS delivers names) into e.domain and e.user.
void set_qualified_user(Event& e, std::string qualified);

}  // namespace pysens2
