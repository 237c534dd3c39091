#include "wts_backend.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "backends/windows/win_error.hpp"
#include "core/errors.hpp"
#include "session_state.hpp"

namespace pysens2 {

class WtsBackend final : public Backend {
public:
    explicit WtsBackend(WtsOptions options) : options_(options), state_(*options.api) {}
    ~WtsBackend() override {
        try {
            stop();
        } catch (...) {
        }
    }

    const char* name() const override { return "wts"; }
    EventMask supported() const override { return wts_event_mask(); }
    std::uint32_t own_session() const override { return state_.current_session_id(); }

    void start(const EventInlet& inlet, const BackendConfig& config) override {
        inlet_.emplace(inlet);
        all_sessions_ = config.all_sessions;
        std::exception_ptr error;
        HANDLE ready = CreateEventW(nullptr, TRUE, FALSE, nullptr);
        if (!ready) throw ComError("CreateEvent failed", static_cast<std::uint32_t>(last_error_hresult()));
        thread_ = std::thread([this, ready, &error] { run(ready, error); });
        WaitForSingleObject(ready, INFINITE);  // set on every path of run()'s setup
        CloseHandle(ready);
        if (error) {
            thread_.join();
            inlet_.reset();
            std::rethrow_exception(error);
        }
    }

    void stop() override {
        if (!thread_.joinable()) return;
        // The window thread runs only this file's code: it ends promptly.
        PostMessageW(window_, WM_CLOSE, 0, 0);
        thread_.join();
        inlet_.reset();
    }

    HWND window() const { return window_; }

private:
    static LRESULT CALLBACK window_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
        auto* self = reinterpret_cast<WtsBackend*>(GetWindowLongPtrW(hwnd, GWLP_USERDATA));
        if (self && msg == kWmWtsSessionChange) {
            self->on_session_change(static_cast<std::uint32_t>(wparam),
                                    static_cast<std::uint32_t>(lparam));
            return 0;
        }
        if (self && msg == WM_CLOSE) {
            // Unregister while the window still exists, then destroy it.
            self->options_.api->unregister_notification(hwnd);
            DestroyWindow(hwnd);
            return 0;
        }
        if (msg == WM_DESTROY) {
            PostQuitMessage(0);
            return 0;
        }
        return DefWindowProcW(hwnd, msg, wparam, lparam);
    }

    // A window procedure is a boundary nothing may cross.
    void on_session_change(std::uint32_t code, std::uint32_t session) noexcept {
        try {
            Event e;
            e.monotonic_ns = monotonic_now_ns();
            e.source = wts_source(code);
            e.code = code;
            e.has_session = true;
            e.session_id = session;
            // Filter by lParam whatever was registered: RDS and Citrix send
            // other sessions' changes even for NOTIFY_FOR_THIS_SESSION.
            if (!inlet_->wants(e)) return;
            std::tie(e.user, e.domain) = state_.user_of(session);  // looked up as it arrives
            inlet_->post(std::move(e));
        } catch (...) {
            inlet_->count_dropped();
        }
    }

    void register_window(HWND hwnd) {
        const DWORD flags = all_sessions_ ? NOTIFY_FOR_ALL_SESSIONS : NOTIFY_FOR_THIS_SESSION;
        const auto deadline = std::chrono::steady_clock::now() + options_.ready_patience;
        for (;;) {
            if (options_.api->register_notification(hwnd, flags)) return;
            const DWORD err = GetLastError();
            const HRESULT hr = HRESULT_FROM_WIN32(err);
            const bool not_ready = err == kRpcInvalidBinding;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (!not_ready || left.count() <= 0) {
                std::string why = not_ready
                                      ? "Terminal Services did not become ready within " +
                                            std::to_string(options_.ready_patience.count()) + " ms"
                                      : "is the Remote Desktop Services service (TermService) "
                                        "disabled?";
                throw ComError("WTSRegisterSessionNotification failed: " + hresult_hex(hr) + " " +
                                   system_message(hr) + " (" + why + ")",
                               static_cast<std::uint32_t>(hr), system_message(hr));
            }
            // Early at boot: wait for Global\TermSrvReadyEvent (or a while), retry.
            options_.api->wait_termsrv_ready(
                static_cast<DWORD>(std::min<long long>(left.count(), 250)));
        }
    }

    void run(HANDLE ready, std::exception_ptr& error) {
        static const wchar_t* kClass = L"pysens2.WtsWindow";
        HWND hwnd = nullptr;
        try {
            WNDCLASSEXW wc{};
            wc.cbSize = sizeof wc;
            wc.lpfnWndProc = &window_proc;
            wc.hInstance = GetModuleHandleW(nullptr);
            wc.lpszClassName = kClass;
            // Registered once per process; "already exists" is fine.
            if (!RegisterClassExW(&wc) && GetLastError() != ERROR_CLASS_ALREADY_EXISTS)
                throw ComError("RegisterClassEx failed",
                               static_cast<std::uint32_t>(last_error_hresult()));
            hwnd = CreateWindowExW(0, kClass, L"pysens2", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                                   wc.hInstance, nullptr);
            if (!hwnd)
                throw ComError("CreateWindowEx(HWND_MESSAGE) failed",
                               static_cast<std::uint32_t>(last_error_hresult()));
            SetWindowLongPtrW(hwnd, GWLP_USERDATA, reinterpret_cast<LONG_PTR>(this));
            register_window(hwnd);
        } catch (...) {
            if (hwnd) DestroyWindow(hwnd);
            error = std::current_exception();
            SetEvent(ready);
            return;
        }
        window_ = hwnd;
        SetEvent(ready);  // `error` and `ready` are not touched after this
        MSG msg;
        while (GetMessageW(&msg, nullptr, 0, 0) > 0) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
        if (IsWindow(hwnd)) {  // the loop failed before WM_CLOSE: clean up the same way
            options_.api->unregister_notification(hwnd);
            DestroyWindow(hwnd);
        }
        window_ = nullptr;
    }

    WtsOptions options_;
    WtsState state_;
    std::optional<EventInlet> inlet_;
    bool all_sessions_ = true;
    std::thread thread_;
    std::atomic<HWND> window_{nullptr};
};

std::unique_ptr<Backend> make_wts_backend(WtsOptions options) {
    return std::make_unique<WtsBackend>(options);
}

HWND wts_window_for_testing(Backend& backend) {
    return dynamic_cast<WtsBackend&>(backend).window();
}

}  // namespace pysens2
