// One running monitor without Python: queue, backend and dispatcher, and the
// order in which they are started and stopped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "backend.hpp"
#include "dispatcher.hpp"

namespace pysens2 {

struct MonitorOptions {
    // Every type the backend supports when not given.
    std::optional<EventMask> mask;
    std::size_t queue_size = 65536;
    bool all_sessions = true;
    Apartment apartment = Apartment::Mta;
    bool per_user = true;
    std::size_t batch_size = 256;
};

class MonitorCore {
public:
    // Throws std::invalid_argument, naming them, when options.mask asks for
    // types the backend cannot deliver.
    MonitorCore(MonitorOptions options, std::shared_ptr<DeliveryHandler> handler,
                std::unique_ptr<Backend> backend);
    ~MonitorCore();
    MonitorCore(const MonitorCore&) = delete;
    MonitorCore& operator=(const MonitorCore&) = delete;

    // Throws StateError if running, ComError if the backend cannot connect.
    // Exception-safe: whatever fails, nothing is left connected or running.
    void start();
    // Stops the backend, lets the dispatcher deliver what was queued
    // (or drops it if `discard`), and waits up to `timeout` for it. Returns
    // true once the dispatcher has finished; false if it is still delivering
    // (timeout, or called from inside a delivery). A no-op when stopped.
    bool stop(std::optional<std::chrono::nanoseconds> timeout, bool discard = false);

    bool running() const;
    // True on the thread delivering this monitor's events (inside a callback).
    bool on_dispatcher_thread() const;
    std::uint64_t dropped() const { return queue_->dropped(); }
    std::uint64_t dispatcher_wakeups() const { return queue_->wakeups(); }
    const MonitorOptions& options() const { return options_; }
    EventMask mask() const { return mask_; }
    const char* backend_name() const { return backend_->name(); }
    std::uint32_t own_session() const { return backend_->own_session(); }
    // The backend, for pysens2.testing; throws StateError when not running.
    Backend& running_backend() const;

private:
    void start_locked();  // lifecycle_mutex_ held, no dispatcher running

    const MonitorOptions options_;
    const EventMask mask_;
    const std::shared_ptr<DeliveryHandler> handler_;
    const std::shared_ptr<EventQueue> queue_;
    const std::unique_ptr<Backend> backend_;
    // Serializes start() and stop(), and is held through the backend's start
    // (on Windows, cross-process calls). Readers never take it, so running(),
    // repr() and the like never wait for a start in progress.
    std::mutex lifecycle_mutex_;
    mutable std::mutex mutex_;  // guards dispatcher_, briefly
    std::atomic<bool> running_{false};
    std::shared_ptr<Dispatcher> dispatcher_;
};

}  // namespace pysens2
