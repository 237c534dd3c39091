// Where a backend hands its events: the monitor's queue, behind the monitor's
// filter. Cheap to copy; every source thread may hold its own copy.
#pragma once

#include <memory>
#include <utility>

#include "event.hpp"
#include "event_filter.hpp"
#include "event_queue.hpp"

namespace pysens2 {

class EventInlet {
public:
    EventInlet(std::shared_ptr<EventQueue> queue, EventFilter filter)
        : queue_(std::move(queue)), filter_(filter) {}

    // Whether this event would be kept: sources ask before they finish it
    // (a user-name lookup is not free).
    bool wants(const Event& event) const { return filter_.accepts(event); }
    // Queues the event if the filter keeps it. Never throws and never blocks:
    // sources call it at boundaries nothing may cross (a COM call from SENS,
    // a window procedure, the service manager's thread). A full queue counts
    // the drop itself.
    void post(Event&& event) const noexcept {
        if (wants(event))
            queue_->push(std::move(event));
    }
    // For an event that could not even be built (out of memory).
    void count_dropped() const noexcept { queue_->count_dropped(); }
    const EventFilter& filter() const { return filter_; }
    // The same inlet, keeping only the types in `mask` (one source of several).
    EventInlet narrowed(EventMask mask) const {
        EventFilter f = filter_;
        f.mask &= mask;
        return EventInlet(queue_, f);
    }

private:
    std::shared_ptr<EventQueue> queue_;
    EventFilter filter_;
};

}  // namespace pysens2
