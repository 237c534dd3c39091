// Native threads that call the live sink objects as the COM+ Event System
// would, for pysens2.testing and the benchmarks.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "com/bstr.hpp"
#include "com/sink.hpp"
#include "gil.hpp"

namespace pysens2 {

// One SENS method call on the sinks: through the vtable, or late-bound by
// name (GetIDsOfNames, then Invoke with VARIANT arguments).
using SinkCall = HRESULT (*)(const SinkPair&, Source, BSTR user, DWORD session);
HRESULT call_vtable(const SinkPair& sinks, Source source, BSTR user, DWORD session);
HRESULT call_dispatch(const SinkPair& sinks, Source source, BSTR user, DWORD session);
// "vtable" or "dispatch"; anything else raises ValueError.
SinkCall sink_call_for(const std::string& via);
class NativeMonitor;
// The running monitor's SENS sink objects (ValueError for a backend without
// any, StateError when not running).
SinkPair sinks_of(NativeMonitor& mon);
// A Source from its index; raises ValueError when out of range.
Source checked_source(int index);

// "producer-<t>", the user name of producer thread t.
Bstr producer_name(std::size_t t);
// Sleeps until the i-th tick of a rate_hz schedule that began at `start`
// (no pause when rate_hz <= 0).
void pace(std::chrono::steady_clock::time_point start, std::size_t i, double rate_hz);

// Runs body(t) on `threads` native threads with the GIL released; returns
// the seconds from the first start to the last finish.
template <class Body>
double run_producers(std::size_t threads, Body body) {
    return without_gil([&] {
        auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(body, t);
        for (auto& th : pool) th.join();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    });
}

// Each of `threads` threads fires `count` events as producer_name(t), with
// session ids 0, 1, 2, ... (paced when rate_hz > 0). Returns the seconds taken.
double fire_from_threads(const SinkPair& sinks, Source source, SinkCall call,
                         std::size_t threads, std::size_t count, double rate_hz);

}  // namespace pysens2
