#include "sens_methods.hpp"

namespace pysens2 {

std::optional<Source> sens_source_for(EventType type) {
    std::optional<Source> found;
    for (const SensMethod& m : kSensMethods) {
        if (source_info(m.source).type != type) continue;
        if (!found || m.iface == SensInterface::Logon2) found = m.source;
    }
    return found;
}

EventMask sens_event_mask() {
    EventMask mask = 0;
    for (const SensMethod& m : kSensMethods) mask |= mask_of(source_info(m.source).type);
    return mask;
}

}  // namespace pysens2
