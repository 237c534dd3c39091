// The thread that does all of a monitor's COM work, in an apartment of its
// own, so the caller's thread apartment is never touched. In an STA it runs
// the message pump that incoming calls need.
#pragma once

#include "com/com_platform.hpp"

#include <atomic>
#include <exception>
#include <functional>
#include <thread>

#include "core/backend.hpp"

namespace pysens2 {

class ApartmentThread {
public:
    using Task = std::function<void()>;

    ApartmentThread();
    ~ApartmentThread();
    ApartmentThread(const ApartmentThread&) = delete;
    ApartmentThread& operator=(const ApartmentThread&) = delete;

    // Starts the thread, enters the apartment and runs `setup` there. Returns
    // when setup is done; if it threw, the thread has ended and this rethrows.
    void start(Apartment apartment, Task setup, Task teardown);
    // Wakes the thread, which runs `teardown`, leaves the apartment and ends;
    // joins it, then rethrows anything teardown threw.
    void stop();
    DWORD thread_id() const { return thread_id_; }
    // Tests only, before start(): the thread waits on an invalid handle, so
    // every wait returns WAIT_FAILED, as it would on a broken handle.
    void fail_waits_for_testing() { wait_handle_ = nullptr; }

private:
    void run(Apartment apartment, const Task& setup, std::exception_ptr& setup_error,
             HANDLE ready);
    void wait_for_stop(Apartment apartment);

    HANDLE stop_event_ = nullptr;
    HANDLE wait_handle_ = nullptr;  // what the thread waits on: stop_event_
    // Set before stop_event_: the truth if waiting on the event ever fails.
    std::atomic<bool> stop_requested_{false};
    std::thread thread_;
    Task teardown_;
    std::exception_ptr teardown_error_;
    DWORD thread_id_ = 0;
};

}  // namespace pysens2
