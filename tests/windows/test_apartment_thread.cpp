#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "core/errors.hpp"
#include "backends/sens/apartment_thread.hpp"
#include "backends/windows/process_session.hpp"

using namespace pysens2;
using namespace std::chrono_literals;

namespace {

// CPU time (user + kernel) this process has used, in milliseconds.
double process_cpu_ms() {
    FILETIME created, exited, kernel, user;
    REQUIRE(GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user));
    auto ms = [](const FILETIME& t) {
        return static_cast<double>((static_cast<std::uint64_t>(t.dwHighDateTime) << 32) |
                                   t.dwLowDateTime) /
               1e4;
    };
    return ms(kernel) + ms(user);
}

}  // namespace

TEST_CASE("a wait that fails neither spins nor ends the apartment, and stop still works") {
    for (Apartment apartment : {Apartment::Sta, Apartment::Mta}) {
        CAPTURE(apartment == Apartment::Sta ? "STA" : "MTA");
        ApartmentThread thread;
        thread.fail_waits_for_testing();
        bool torn_down = false;
        thread.start(apartment, [] {}, [&] { torn_down = true; });
        const double cpu0 = process_cpu_ms();
        std::this_thread::sleep_for(1s);
        // A pump looping on WAIT_FAILED would burn a core here (under Wine
        // about a third of it in this process, the rest in wineserver).
        const double used = process_cpu_ms() - cpu0;
        MESSAGE("CPU used in 1 s: " << used << " ms");
        CHECK(used < 150.0);
        CHECK_FALSE(torn_down);  // the failed waits did not end the apartment
        const auto t0 = std::chrono::steady_clock::now();
        thread.stop();
        CHECK(torn_down);
        CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    }
}

TEST_CASE("a process whose session cannot be read is an error, never session 0") {
    CHECK(own_session_id() == session_of_process(GetCurrentProcessId()));
    // No process has this id (ids are multiples of 4).
    CHECK_THROWS_WITH_AS(session_of_process(0xFFFFFFF1u),
                         doctest::Contains("ProcessIdToSessionId(4294967281) failed"), ComError);
}
