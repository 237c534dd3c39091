// A stand-in for the COM+ Event System, which Wine lacks: CEventSystem and
// CEventSubscription class objects registered with CoRegisterClassObject.
// It records what the backend stores and hands the stored subscribers to a
// publisher through the global interface table, so a subscriber stored from
// an STA reaches the publisher as a proxy, as it would across processes.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "com/com_ptr.hpp"
#include "backends/sens/event_system.hpp"

namespace fake {

struct Record {
    std::wstring id, name, publisher, event_class, method;
    BOOL per_user = FALSE;
    DWORD git_cookie = 0;
    // The subscriber itself, referenced while stored, as the Event System's
    // proxy keeps it alive (an object kept only by its marshaled form in the
    // global interface table is disconnected after its first use under Wine).
    IUnknown* held = nullptr;
};

struct State {
    std::mutex mutex;
    std::vector<Record> stored;
    int store_calls = 0;
    int remove_calls = 0;
    int fail_store_at = 0;  // 1-based Store call that fails; 0: none
    HRESULT fail_hr = static_cast<HRESULT>(0x80040207);
    HRESULT fail_remove_hr = S_OK;  // every Remove fails with this, removing nothing
    // When set, each successful Store and Remove appends "store <id>" or
    // "remove <id>" to this file and flushes it, so a test can read what
    // happened after the process that made the calls has ended.
    std::wstring log_path;

    void reset();
    std::vector<Record> snapshot();
};

State& state();

// Registers both class objects for the lifetime of the object.
class Registration {
public:
    Registration();
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

private:
    DWORD system_cookie_ = 0;
    DWORD subscription_cookie_ = 0;
};

// The subscriber of a record, fetched from the global interface table into
// the calling thread's apartment.
pysens2::ComPtr<IUnknown> subscriber_for_caller(const Record& r);

// Calls each stored subscription (those of `method` only, when given) once
// from a fresh MTA thread, as the Event System's publisher would: through the
// vtable, or by GetIDsOfNames + Invoke. Returns the first failure, or S_OK.
HRESULT publish(const std::wstring& user, DWORD session, bool via_dispatch,
                const std::wstring& method = {});

// What a timed publication measured, per event: when the first call began and
// how long the calls into the subscribers blocked the publisher, in ns of
// pysens2::monotonic_now_ns() (Python's time.perf_counter_ns() clock).
struct TimedRun {
    std::vector<std::int64_t> sent_ns, blocked_ns;
    int failed_calls = 0;
    HRESULT first_failure = S_OK;
};

// Publishes as SENS does, on the calling thread (which must be in the MTA):
// `count` events of `method` (an ISensLogon2 method) at `rate_hz` per second
// (0: back to back), each to every stored subscriber of that method in turn,
// synchronously; event i carries session id i, so a subscriber can tell a
// lost or reordered event. A subscriber is called through ISensLogon2 if it
// answers QueryInterface for it, otherwise by name through IDispatch, as the
// Event System serves pywin32's gateways. Setting `cancel` ends it after the
// event in progress.
HRESULT publish_timed(const std::wstring& method, const std::wstring& user, int count,
                      double rate_hz, const std::atomic<bool>& cancel, TimedRun& out);

// Registers the ProgIDs EventSystem.EventSystem and
// EventSystem.EventSubscription for the stand-in's classes (under Wine only;
// S_FALSE elsewhere), so code that creates them by name runs unchanged.
HRESULT register_progids();

// Registers the test type libraries in `dir` (proxies for ISensLogon,
// ISensLogon2 and the stand-in's interfaces), which STA mode needs under
// Wine. Does nothing outside Wine: on Windows the system's own SENS type
// library must stay as it is.
HRESULT register_test_typelibs(const std::wstring& dir);

}  // namespace fake
