// Bounded multi-producer queue of events. Producers (COM threads) never block:
// when the queue is full the event is refused and counted. One consumer waits
// without polling.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "event.hpp"
#include "sync.hpp"

namespace pysens2 {

class EventQueue {
public:
    // What push() does when the queue holds `capacity` events already.
    enum class Overflow { RefuseNewest, DiscardOldest };

    explicit EventQueue(std::size_t capacity, Overflow overflow = Overflow::RefuseNewest);

    // Never blocks, never throws. Returns false when the event was not
    // stored: the queue is closed, or full under RefuseNewest, or memory ran
    // out (then dropped() grows). Under DiscardOldest a full queue loses its
    // oldest event instead (counted too).
    bool push(Event&& event) noexcept;
    // push() for each event of `events` (moved from), under one lock.
    void push_all(std::vector<Event>& events);

    // Waits until at least one event is queued or the queue is closed, then
    // moves up to `max` events into `out` (which is cleared first). Returns
    // false once the queue is closed and empty.
    bool pop_batch(std::vector<Event>& out, std::size_t max);

    enum class PopResult { Event, Timeout, Closed };
    // Waits up to `timeout` for one event.
    PopResult pop_for(Event& out, std::chrono::nanoseconds timeout);

    // Closes the queue: pushes are refused from now on; queued events stay
    // poppable unless `discard` is set. Wakes every waiter.
    void close(bool discard = false);
    // Accepts pushes again. What is still queued stays (a restarted monitor
    // keeps the events get() has not returned yet), and so does dropped():
    // the counters cover the queue's whole life.
    void reopen();

    bool closed() const;
    std::size_t size() const;
    std::size_t capacity() const { return capacity_; }
    std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    // Counts an event that never reached push() (e.g. it could not be built).
    void count_dropped() noexcept { dropped_.fetch_add(1, std::memory_order_relaxed); }
    // How many times pop_batch() has returned: the consumer's wake-ups.
    std::uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }

private:
    bool store(Event&& event);  // mutex_ held

    const std::size_t capacity_;
    const Overflow overflow_;
    mutable Mutex mutex_;
    CondVar ready_;
    std::deque<Event> events_;
    bool closed_ = false;
    std::size_t waiters_ = 0;
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> wakeups_{0};
};

}  // namespace pysens2
