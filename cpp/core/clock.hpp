// The clocks events are stamped with.
#pragma once

#include <cstdint>

namespace pysens2 {

// Nanoseconds on the clock of Python's time.perf_counter_ns(), so that users
// can compare an event's time with their own readings on every platform:
// QueryPerformanceCounter on Windows (scaled exactly as CPython scales it;
// C++ steady_clock is not specified to be that clock, and time.monotonic()
// there is GetTickCount64 before 3.13), CLOCK_MONOTONIC elsewhere.
std::int64_t monotonic_now_ns();

// Nanoseconds since the Unix epoch (time.time_ns()'s clock).
std::int64_t wall_now_ns();

}  // namespace pysens2
