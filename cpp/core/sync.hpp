// The queue's lock and condition variable. On Windows they are the system's
// slim reader/writer lock and condition variable: a producer's wake-up of the
// dispatcher stays in user mode where it can, and mingw-w64's std::
// equivalents (winpthreads) signal through kernel semaphores, which cost a
// COM publisher ~100 µs per event under Wine. MSVC's std:: types are already
// built on these; elsewhere the std:: types are used as they are.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

namespace pysens2 {

#ifdef _WIN32

class Mutex {
public:
    Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;
    void lock() { AcquireSRWLockExclusive(&lock_); }
    bool try_lock() { return TryAcquireSRWLockExclusive(&lock_) != 0; }
    void unlock() { ReleaseSRWLockExclusive(&lock_); }
    SRWLOCK* native() { return &lock_; }

private:
    SRWLOCK lock_ = SRWLOCK_INIT;
};

class CondVar {
public:
    CondVar() = default;
    CondVar(const CondVar&) = delete;
    CondVar& operator=(const CondVar&) = delete;
    void notify_one() { WakeConditionVariable(&cv_); }
    void notify_all() { WakeAllConditionVariable(&cv_); }

    template <class Pred>
    void wait(std::unique_lock<Mutex>& lock, Pred ready) {
        while (!ready()) SleepConditionVariableSRW(&cv_, lock.mutex()->native(), INFINITE, 0);
    }

    // Returns ready()'s value when it stops waiting, as std::condition_variable does.
    template <class Pred>
    bool wait_for(std::unique_lock<Mutex>& lock, std::chrono::nanoseconds timeout, Pred ready) {
        using Clock = std::chrono::steady_clock;
        const auto deadline = Clock::now() + timeout;
        while (!ready()) {
            const auto left = deadline - Clock::now();
            if (left <= Clock::duration::zero()) return ready();
            // Whole milliseconds, rounded up, below INFINITE.
            const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
            const DWORD wait = ms >= static_cast<long long>(INFINITE) ? INFINITE - 1
                                                                       : static_cast<DWORD>(ms);
            SleepConditionVariableSRW(&cv_, lock.mutex()->native(), wait, 0);
        }
        return true;
    }

private:
    CONDITION_VARIABLE cv_ = CONDITION_VARIABLE_INIT;
};

#else

using Mutex = std::mutex;
using CondVar = std::condition_variable;

#endif

}  // namespace pysens2
