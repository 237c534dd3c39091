// The Event System stand-in as a DLL with a C API, for Python tests that run
// in Windows CPython (tests/test_windows_event_system.py loads it with ctypes).
// Its class objects are registered from an MTA thread the DLL keeps alive, so
// every MTA thread of the process, the backend's included, can create them.
#include <windows.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "fake_event_system.hpp"

#define FES_API extern "C" __declspec(dllexport)

namespace {

struct Host {
    std::mutex mutex;
    std::condition_variable cv;
    bool ready = false, quit = false;
    HRESULT result = S_OK;
    std::thread thread;
};

std::mutex g_lock;  // serializes the C API's start/stop
// Never destroyed: at process exit the host thread is already gone, and a
// joinable std::thread's destructor would abort the exit.
Host* g_host = nullptr;

}  // namespace

// Starts the stand-in (idempotent): clears its state and sets the log file
// (may be null). Returns an HRESULT.
FES_API HRESULT fes_start(const wchar_t* log_path) {
    std::lock_guard<std::mutex> api(g_lock);
    fake::state().reset();
    {
        std::lock_guard<std::mutex> lock(fake::state().mutex);
        fake::state().log_path = log_path ? log_path : L"";
    }
    if (g_host) return S_OK;
    auto host = std::make_unique<Host>();
    Host* h = host.get();
    h->thread = std::thread([h] {
        HRESULT hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
        {
            std::unique_ptr<fake::Registration> reg;
            try {
                reg = std::make_unique<fake::Registration>();
            } catch (...) {
                hr = E_FAIL;
            }
            std::unique_lock<std::mutex> lock(h->mutex);
            h->result = hr;
            h->ready = true;
            h->cv.notify_all();
            h->cv.wait(lock, [h] { return h->quit; });
        }
        CoUninitialize();
    });
    std::unique_lock<std::mutex> lock(h->mutex);
    h->cv.wait(lock, [h] { return h->ready; });
    HRESULT hr = h->result;
    lock.unlock();
    if (FAILED(hr)) {
        {
            std::lock_guard<std::mutex> l(h->mutex);
            h->quit = true;
        }
        h->cv.notify_all();
        h->thread.join();
        return hr;
    }
    g_host = host.release();
    return S_OK;
}

// Revokes the class objects: CoCreateInstance fails again as without an Event System.
FES_API void fes_stop() {
    std::lock_guard<std::mutex> api(g_lock);
    if (!g_host) return;
    {
        std::lock_guard<std::mutex> lock(g_host->mutex);
        g_host->quit = true;
    }
    g_host->cv.notify_all();
    g_host->thread.join();
    delete g_host;
    g_host = nullptr;
    fake::state().reset();
}

// The n-th Store call from now (1-based) fails with hr; 0 turns that off.
FES_API void fes_fail_store_at(int n, HRESULT hr) {
    std::lock_guard<std::mutex> lock(fake::state().mutex);
    fake::state().store_calls = 0;
    fake::state().fail_store_at = n;
    fake::state().fail_hr = hr;
}

// Every Remove from now fails with hr (S_OK: none does).
FES_API void fes_fail_remove(HRESULT hr) {
    std::lock_guard<std::mutex> lock(fake::state().mutex);
    fake::state().fail_remove_hr = hr;
}

FES_API int fes_store_calls() {
    std::lock_guard<std::mutex> lock(fake::state().mutex);
    return fake::state().store_calls;
}

FES_API int fes_remove_calls() {
    std::lock_guard<std::mutex> lock(fake::state().mutex);
    return fake::state().remove_calls;
}

// The stored subscriptions, one per line: SubscriptionID, SubscriptionName,
// PublisherID, EventClassID, MethodName and PerUser (0/1), tab-separated.
// Copies at most `capacity` characters with a terminating NUL; returns the
// number of characters the whole text needs (without the NUL).
FES_API int fes_records(wchar_t* out, int capacity) {
    std::wstring text;
    for (const fake::Record& r : fake::state().snapshot())
        text += r.id + L"\t" + r.name + L"\t" + r.publisher + L"\t" + r.event_class + L"\t" +
                r.method + L"\t" + (r.per_user ? L"1" : L"0") + L"\n";
    if (out && capacity > 0) {
        const std::size_t n = std::min<std::size_t>(text.size(), capacity - 1);
        text.copy(out, n);
        out[n] = L'\0';
    }
    return static_cast<int>(text.size());
}

// Publishes to every stored subscription of `method` (all when null) from a
// fresh MTA thread, by vtable or (via_dispatch != 0) by IDispatch::Invoke.
FES_API HRESULT fes_publish(const wchar_t* user, DWORD session, int via_dispatch,
                            const wchar_t* method) {
    return fake::publish(user ? user : L"", session, via_dispatch != 0, method ? method : L"");
}

// Registers the test type libraries found in `dir` (under Wine only; S_FALSE elsewhere).
FES_API HRESULT fes_register_typelibs(const wchar_t* dir) {
    return fake::register_test_typelibs(dir ? dir : L"");
}

// Registers the ProgIDs EventSystem.EventSystem and EventSystem.EventSubscription
// (under Wine only; S_FALSE elsewhere).
FES_API HRESULT fes_register_progids() { return fake::register_progids(); }

namespace {

// The timed publication in progress or finished (one at a time).
struct Publication {
    fake::TimedRun run;
    std::atomic<bool> cancel{false};
    HRESULT result = S_OK;
    HANDLE done = nullptr;  // manual-reset; set when the thread has finished
    std::thread thread;
};
Publication* g_publication = nullptr;  // guarded by g_lock

}  // namespace

// Starts fake::publish_timed of `method` on a new MTA thread and returns at
// once; fes_publish_wait reports its end. E_PENDING while one is running.
FES_API HRESULT fes_publish_start(const wchar_t* method, const wchar_t* user, int count,
                                  double rate_hz) {
    std::lock_guard<std::mutex> api(g_lock);
    if (g_publication) {
        if (WaitForSingleObject(g_publication->done, 0) != WAIT_OBJECT_0) return E_PENDING;
        g_publication->thread.join();
        CloseHandle(g_publication->done);
        delete g_publication;
        g_publication = nullptr;
    }
    auto* p = new Publication;
    p->done = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    const std::wstring m = method ? method : L"", u = user ? user : L"";
    p->thread = std::thread([p, m, u, count, rate_hz] {
        CoInitializeEx(nullptr, COINIT_MULTITHREADED);
        p->result = fake::publish_timed(m, u, count, rate_hz, p->cancel, p->run);
        CoUninitialize();
        SetEvent(p->done);
    });
    g_publication = p;
    return S_OK;
}

// Ends the publication in progress after its current event.
FES_API void fes_publish_cancel() {
    std::lock_guard<std::mutex> api(g_lock);
    if (g_publication) g_publication->cancel = true;
}

// Waits up to `timeout_ms` for the publication to end: 1 when it has (or
// none was started), 0 while it runs.
FES_API int fes_publish_wait(DWORD timeout_ms) {
    HANDLE done = nullptr;
    {
        std::lock_guard<std::mutex> api(g_lock);
        if (!g_publication) return 1;
        done = g_publication->done;
    }
    return WaitForSingleObject(done, timeout_ms) == WAIT_OBJECT_0 ? 1 : 0;
}

// The finished publication's figures: copies up to `capacity` events' sent
// and blocked times (ns) and returns the number of events published; its
// HRESULT, failed-call count and first failure go to the out parameters.
FES_API int fes_publish_results(long long* sent_ns, long long* blocked_ns, int capacity,
                                HRESULT* result, int* failed_calls, HRESULT* first_failure) {
    std::lock_guard<std::mutex> api(g_lock);
    if (!g_publication || WaitForSingleObject(g_publication->done, 0) != WAIT_OBJECT_0) return -1;
    const fake::TimedRun& r = g_publication->run;
    const int n = static_cast<int>(r.sent_ns.size());
    for (int i = 0; i < n && i < capacity; ++i) {
        if (sent_ns) sent_ns[i] = r.sent_ns[i];
        if (blocked_ns) blocked_ns[i] = r.blocked_ns[i];
    }
    if (result) *result = g_publication->result;
    if (failed_calls) *failed_calls = r.failed_calls;
    if (first_failure) *first_failure = r.first_failure;
    return n;
}
