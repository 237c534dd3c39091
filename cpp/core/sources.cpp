#include "sources.hpp"

namespace pysens2 {

std::optional<Source> default_source(EventType type, SessionKind session) {
    // SENS first: the table lists its methods before WTS's codes, and logind last.
    for (std::size_t i = 0; i < kSourceCount; ++i) {
        const SourceInfo& s = kSources[i];
        if (s.type == type && s.session == session) return static_cast<Source>(i);
    }
    return std::nullopt;
}

EventMask logind_event_mask() {
    EventMask mask = 0;
    for (std::size_t i = static_cast<std::size_t>(Source::Logind_SessionNew); i < kSourceCount; ++i)
        mask |= mask_of(kSources[i].type);
    return mask;
}

bool is_source_name(std::string_view name) {
    for (const SourceInfo& s : kSources)
        if (s.name == name) return true;
    return false;
}

EventMask wts_event_mask() {
    EventMask mask = mask_of(EventType::SessionChange);
    for (std::uint32_t code = kWtsFirstCode; code <= kWtsLastCode; ++code)
        mask |= mask_of(source_info(wts_source(code)).type);
    return mask;
}

std::optional<Source> source_named(std::string_view name, EventType type) {
    for (std::size_t i = 0; i < kSourceCount; ++i)
        if (kSources[i].name == name && kSources[i].type == type) return static_cast<Source>(i);
    return std::nullopt;
}

}  // namespace pysens2
