#include "apartment_thread.hpp"

#include <utility>

#include "core/errors.hpp"
#include "event_system.hpp"

namespace pysens2 {

ApartmentThread::ApartmentThread() : stop_event_(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {
    if (!stop_event_)
        throw ComError("CreateEvent failed", HRESULT_FROM_WIN32(GetLastError()));
    wait_handle_ = stop_event_;
}

ApartmentThread::~ApartmentThread() {
    if (thread_.joinable()) {
        try {
            stop();
        } catch (...) {
        }
    }
    CloseHandle(stop_event_);
}

void ApartmentThread::start(Apartment apartment, Task setup, Task teardown) {
    teardown_ = std::move(teardown);
    teardown_error_ = nullptr;
    stop_requested_.store(false);
    ResetEvent(stop_event_);
    HANDLE ready = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (!ready) throw ComError("CreateEvent failed", HRESULT_FROM_WIN32(GetLastError()));
    std::exception_ptr setup_error;
    thread_ = std::thread([&, apartment] { run(apartment, setup, setup_error, ready); });
    WaitForSingleObject(ready, INFINITE);
    CloseHandle(ready);
    if (setup_error) {
        thread_.join();
        std::rethrow_exception(setup_error);
    }
}

void ApartmentThread::run(Apartment apartment, const Task& setup, std::exception_ptr& setup_error,
                          HANDLE ready) {
    thread_id_ = GetCurrentThreadId();
    const DWORD mode = apartment == Apartment::Sta
                           ? COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE
                           : COINIT_MULTITHREADED;
    HRESULT hr = CoInitializeEx(nullptr, mode);
    if (FAILED(hr)) {
        setup_error = std::make_exception_ptr(
            ComError("CoInitializeEx on the pysens2 COM thread failed: " + hresult_hex(hr) + " " +
                         system_message(hr),
                     static_cast<std::uint32_t>(hr), system_message(hr)));
        SetEvent(ready);
        return;
    }
    if (apartment == Apartment::Sta) {
        // An STA needs its message queue before anyone may call into it.
        MSG msg;
        PeekMessageW(&msg, nullptr, WM_USER, WM_USER, PM_NOREMOVE);
    }
    try {
        setup();
    } catch (...) {
        setup_error = std::current_exception();
        CoUninitialize();
        SetEvent(ready);
        return;
    }
    SetEvent(ready);  // `setup` and `setup_error` are not touched after this
    wait_for_stop(apartment);
    try {
        if (teardown_) teardown_();
    } catch (...) {
        teardown_error_ = std::current_exception();
    }
    CoUninitialize();
}

void ApartmentThread::wait_for_stop(Apartment apartment) {
    // A failed wait (WAIT_FAILED) must neither end the apartment early nor
    // spin: it falls back to a 50 ms timed wait and the stop_requested_ flag.
    if (apartment == Apartment::Mta) {
        while (!stop_requested_.load()) {
            if (WaitForSingleObject(wait_handle_, INFINITE) == WAIT_FAILED) Sleep(50);
        }
        return;
    }
    while (!stop_requested_.load()) {
        DWORD r = MsgWaitForMultipleObjectsEx(1, &wait_handle_, INFINITE, QS_ALLINPUT,
                                              MWMO_INPUTAVAILABLE);
        if (r == WAIT_OBJECT_0) return;
        if (r == WAIT_FAILED)
            MsgWaitForMultipleObjectsEx(0, nullptr, 50, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
        MSG msg;
        while (PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

void ApartmentThread::stop() {
    if (!thread_.joinable()) return;
    stop_requested_.store(true);
    SetEvent(stop_event_);
    thread_.join();
    if (teardown_error_) std::rethrow_exception(std::exchange(teardown_error_, nullptr));
}

}  // namespace pysens2
