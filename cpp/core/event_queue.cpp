#include "event_queue.hpp"

#include <new>
#include <stdexcept>
#include <utility>

namespace pysens2 {

EventQueue::EventQueue(std::size_t capacity, Overflow overflow)
    : capacity_(capacity), overflow_(overflow) {
    if (capacity == 0) throw std::invalid_argument("queue capacity must be at least 1");
}

bool EventQueue::store(Event&& event) {
    if (closed_) return false;
    if (events_.size() >= capacity_) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        if (overflow_ == Overflow::RefuseNewest) return false;
        events_.pop_front();
    }
    try {
        events_.push_back(std::move(event));
    } catch (const std::bad_alloc&) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    return true;
}

bool EventQueue::push(Event&& event) noexcept {
    bool stored, wake;
    try {
        std::lock_guard<Mutex> lock(mutex_);
        stored = store(std::move(event));
        wake = stored && waiters_ > 0;
    } catch (...) {  // std::system_error from std::mutex: the producer never sees it
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // Notify outside the lock so the woken consumer does not block on it.
    if (wake) ready_.notify_all();
    return stored;
}

void EventQueue::push_all(std::vector<Event>& events) {
    bool wake;
    {
        std::lock_guard<Mutex> lock(mutex_);
        for (Event& e : events) store(std::move(e));
        wake = waiters_ > 0;
    }
    if (wake) ready_.notify_all();
}

bool EventQueue::pop_batch(std::vector<Event>& out, std::size_t max) {
    out.clear();
    std::unique_lock<Mutex> lock(mutex_);
    ++waiters_;
    ready_.wait(lock, [&] { return closed_ || !events_.empty(); });
    --waiters_;
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    while (!events_.empty() && out.size() < max) {
        out.push_back(std::move(events_.front()));
        events_.pop_front();
    }
    return !out.empty();
}

EventQueue::PopResult EventQueue::pop_for(Event& out, std::chrono::nanoseconds timeout) {
    std::unique_lock<Mutex> lock(mutex_);
    ++waiters_;
    bool ready = ready_.wait_for(lock, timeout, [&] { return closed_ || !events_.empty(); });
    --waiters_;
    if (!events_.empty()) {
        out = std::move(events_.front());
        events_.pop_front();
        return PopResult::Event;
    }
    return ready ? PopResult::Closed : PopResult::Timeout;
}

void EventQueue::close(bool discard) {
    {
        std::lock_guard<Mutex> lock(mutex_);
        closed_ = true;
        if (discard) events_.clear();
    }
    ready_.notify_all();
}

void EventQueue::reopen() {
    std::lock_guard<Mutex> lock(mutex_);
    closed_ = false;
}

bool EventQueue::closed() const {
    std::lock_guard<Mutex> lock(mutex_);
    return closed_;
}

std::size_t EventQueue::size() const {
    std::lock_guard<Mutex> lock(mutex_);
    return events_.size();
}

}  // namespace pysens2
