#include "event.hpp"

#include <utility>

namespace pysens2 {

void stamp_wall_clock(std::vector<Event>& events) {
    const std::int64_t offset = wall_now_ns() - monotonic_now_ns();
    for (Event& e : events) e.wall_ns = e.monotonic_ns + offset;
}

void set_qualified_user(Event& e, std::string qualified) {
    const std::size_t slash = qualified.find('\\');
    // No domain before the first backslash: the name stays whole, so that
    // qualified_user gives back exactly what was delivered.
    if (slash == std::string::npos || slash == 0) {
        e.user = std::move(qualified);
        e.domain.clear();
    } else {
        e.domain.assign(qualified, 0, slash);
        e.user.assign(qualified, slash + 1, std::string::npos);
    }
}

}  // namespace pysens2
