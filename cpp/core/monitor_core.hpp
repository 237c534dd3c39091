// One running monitor without Python: queue, sinks, backend and dispatcher,
// and the order in which they are started and stopped.
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
    std::string backend = "auto";
    EventMask mask = kAllEvents;
    std::size_t queue_size = 65536;
    bool all_sessions = true;
    Apartment apartment = Apartment::Mta;
    bool per_user = true;
    std::size_t batch_size = 256;
};

class MonitorCore {
public:
    // Resolves the backend now, so an unavailable one fails at construction.
    MonitorCore(MonitorOptions options, std::shared_ptr<DeliveryHandler> handler);
    // With a backend of the caller's (options.backend is then only a label).
    MonitorCore(MonitorOptions options, std::shared_ptr<DeliveryHandler> handler,
                std::unique_ptr<Backend> backend);
    ~MonitorCore();
    MonitorCore(const MonitorCore&) = delete;
    MonitorCore& operator=(const MonitorCore&) = delete;

    // Throws StateError if running, ComError if the backend cannot connect.
    // Exception-safe: whatever fails, nothing is left connected or running.
    void start();
    // Disconnects the sinks, lets the dispatcher deliver what was queued
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
    const char* backend_name() const { return backend_->name(); }
    std::uint32_t own_session() const { return backend_->own_session(); }
    // New references to the live sinks; throws StateError when not running.
    SinkPair sinks() const;

private:
    void start_locked();  // lifecycle_mutex_ held, no dispatcher running

    const MonitorOptions options_;
    const std::shared_ptr<DeliveryHandler> handler_;
    const std::shared_ptr<EventQueue> queue_;
    const std::unique_ptr<Backend> backend_;
    // Serializes start() and stop(), and is held through the backend's start
    // (on Windows, cross-process calls). Readers never take it, so running(),
    // repr() and the like never wait for a start in progress.
    std::mutex lifecycle_mutex_;
    mutable std::mutex mutex_;  // guards sinks_ and dispatcher_, briefly
    std::atomic<bool> running_{false};
    SinkPair sinks_;
    std::shared_ptr<Dispatcher> dispatcher_;
};

}  // namespace pysens2
