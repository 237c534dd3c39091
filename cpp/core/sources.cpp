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

std::optional<Source> source_named(std::string_view name) {
    for (std::size_t i = 0; i < kSourceCount; ++i)
        if (kSources[i].name == name) return static_cast<Source>(i);
    return std::nullopt;
}

}  // namespace pysens2
