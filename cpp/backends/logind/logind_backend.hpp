// systemd-logind on the system bus (DESIGN.md §8): sessions appearing and
// going, LockedHint, Active (fast user switching), IdleHint, sleep and
// shutdown, read through sd-bus on a thread of the library's own, which never
// runs Python and is woken for stop() through an eventfd. If the bus or
// logind goes away it reconnects with backoff, re-reads the state and reports
// the gap (SourceLost, SourceRestored) without inventing what it missed.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/backend.hpp"

namespace pysens2 {

struct LogindOptions {
    // First and longest wait between reconnection attempts.
    std::chrono::milliseconds backoff_first{100};
    std::chrono::milliseconds backoff_max{5000};
};

// Why logind cannot be used here (no libsystemd, no system bus, no logind on
// it), or nullopt when it can.
std::optional<std::string> logind_unavailable_reason();

std::unique_ptr<Backend> make_logind_backend(LogindOptions options = {});

}  // namespace pysens2
