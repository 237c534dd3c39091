// A backend is an event source: started with an EventInlet, it pushes events
// into the monitor's queue from threads of its own (a COM apartment, a
// window's message loop, a service handler, a D-Bus reader) until stopped.
// The core knows this interface only; the backends live in cpp/backends.
#pragma once

#include <cstdint>
#include <string>

#include "event_inlet.hpp"
#include "event_types.hpp"

namespace pysens2 {

// The COM apartment of a backend's own thread (SENS on Windows).
enum class Apartment { Mta, Sta };

struct BackendConfig {
    EventMask mask = kAllEvents;  // the types asked for (within supported())
    Apartment apartment = Apartment::Mta;
    // PerUser subscriptions work without administrator rights; services
    // running as SYSTEM need machine-wide ones (per_user = false).
    bool per_user = true;
    bool all_sessions = true;  // a source that can narrow its registration may
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;
    // The event types this backend can deliver.
    virtual EventMask supported() const = 0;
    // The session whose events a monitor keeps by default; throws if it
    // cannot be known (never a guess).
    virtual std::uint32_t own_session() const = 0;
    // The same for a backend whose sessions are named (logind); empty otherwise.
    virtual std::string own_session_name() const { return {}; }
    // Connects the source; throws (ComError on Windows), leaving nothing
    // connected, on failure. Events go to `inlet` from then until stop().
    virtual void start(const EventInlet& inlet, const BackendConfig& config) = 0;
    // Disconnects it: no event reaches the inlet once this returns. Always
    // completes, then throws if a step failed.
    virtual void stop() = 0;
};

}  // namespace pysens2
