// WM_WTSSESSION_CHANGE on a message-only window, on a thread the library owns
// (DESIGN.md §7): every session-change code, with its session id, for this
// session or all of them, under Remote Desktop and Fast User Switching.
#pragma once

#include <chrono>
#include <memory>

#include "core/backend.hpp"
#include "wts_api.hpp"

namespace pysens2 {

struct WtsOptions {
    const WtsApi* api = &system_wts_api();
    // How long start() keeps retrying while the Terminal Services RPC
    // endpoint is not up yet (RPC_S_INVALID_BINDING, early at boot).
    std::chrono::milliseconds ready_patience{30000};
};

class WtsBackend;
std::unique_ptr<Backend> make_wts_backend(WtsOptions options = {});
// The backend's window while started (tests post messages to it).
HWND wts_window_for_testing(Backend& backend);

}  // namespace pysens2
