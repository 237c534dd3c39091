#include "clock.hpp"

#include <chrono>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <time.h>
#endif

namespace pysens2 {

#ifdef _WIN32
std::int64_t monotonic_now_ns() {
    // The frequency is fixed at boot; CPython reads it once too.
    static const std::int64_t freq = [] {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f);
        return static_cast<std::int64_t>(f.QuadPart);
    }();
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    const std::int64_t ticks = now.QuadPart;
    // ticks * 1e9 / freq without overflow, rounded as CPython's _PyTime_MulDiv.
    const std::int64_t sec = ticks / freq;
    const std::int64_t rem = ticks % freq;
    return sec * 1000000000 + rem * 1000000000 / freq;
}
#else
std::int64_t monotonic_now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
#endif

std::int64_t wall_now_ns() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace pysens2
