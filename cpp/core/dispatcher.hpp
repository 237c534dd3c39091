// The dispatcher thread: takes batches off the event queue and hands them to
// a DeliveryHandler (the Python bindings provide one). It blocks on the queue
// without polling, so an idle monitor costs no CPU.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "event_queue.hpp"

namespace pysens2 {

class DeliveryHandler {
public:
    virtual ~DeliveryHandler() = default;
    // Called by start() before a new dispatcher thread exists.
    virtual void starting() {}
    virtual void thread_started() {}
    virtual void deliver(std::vector<Event>& batch) = 0;
    virtual void thread_finishing() {}
    // Instead of thread_finishing() when the thread ends without reaching it
    // (a forced unwind): must not call Python.
    virtual void thread_abandoned() {}
};

class Dispatcher {
public:
    Dispatcher(std::shared_ptr<EventQueue> queue, std::shared_ptr<DeliveryHandler> handler,
               std::size_t batch_size);
    // Never waits: a thread still delivering is detached and finishes on its
    // own (it shares what it uses), since it may never finish at all.
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // The thread runs until the queue is closed and drained.
    void start();
    // Waits up to `timeout` (forever if empty) for the thread to finish, then
    // joins it. Returns true once it has finished. On the dispatcher thread
    // itself it cannot wait and returns false at once.
    bool wait(std::optional<std::chrono::nanoseconds> timeout);
    bool on_dispatcher_thread() const;
    bool finished() const;

private:
    struct State;
    std::shared_ptr<State> state_;
    std::mutex join_mutex_;  // guards thread_: several threads may wait at once
    std::thread thread_;
};

}  // namespace pysens2
