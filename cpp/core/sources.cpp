#include "sources.hpp"

namespace pysens2 {

std::optional<Source> default_source(EventType type, bool has_session) {
    // SENS first: the table lists its methods before WTS's codes.
    for (std::size_t i = 0; i < kSourceCount; ++i) {
        const SourceInfo& s = kSources[i];
        if (s.type == type && s.has_session == has_session) return static_cast<Source>(i);
    }
    return std::nullopt;
}

EventMask wts_event_mask() {
    EventMask mask = mask_of(EventType::SessionChange);
    for (std::uint32_t code = kWtsFirstCode; code <= kWtsLastCode; ++code)
        mask |= mask_of(source_info(wts_source(code)).type);
    return mask;
}

std::optional<Source> source_named(std::string_view name) {
    for (std::size_t i = 0; i < kSourceCount; ++i)
        if (kSources[i].name == name) return static_cast<Source>(i);
    return std::nullopt;
}

}  // namespace pysens2
