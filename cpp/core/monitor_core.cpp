#include "monitor_core.hpp"

#include <utility>

#include "errors.hpp"

namespace pysens2 {

MonitorCore::MonitorCore(MonitorOptions options, std::shared_ptr<DeliveryHandler> handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      queue_(std::make_shared<EventQueue>(options_.queue_size)),
      backend_(make_backend(options_.backend)) {
    queue_->close();  // nothing is accepted before start()
}

MonitorCore::~MonitorCore() {
    try {
        // Never waits: the dispatcher may be in a callback that never returns.
        stop(std::chrono::nanoseconds(0), true);
    } catch (...) {
        // A destructor cannot report a failed unsubscription; stop() does.
    }
}

void MonitorCore::start() {
    for (;;) {
        std::shared_ptr<Dispatcher> previous;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (running_) throw StateError("the monitor is already running");
            // Only one dispatcher at a time: one still finishing an earlier
            // stop (possibly a start/stop by another thread since we looked)
            // must be done first.
            if (!dispatcher_ || dispatcher_->finished()) {
                start_locked();
                return;
            }
            previous = dispatcher_;
        }
        if (!previous->wait(std::nullopt))
            throw StateError("cannot restart a monitor from inside its own callback while it is "
                             "still stopping; start it again from another thread");
    }
}

void MonitorCore::start_locked() {
    handler_->starting();
    queue_->reopen();
    // own_session() is asked only when needed: it may fail (ComError).
    EventFilter filter{options_.mask, options_.all_sessions,
                       options_.all_sessions ? 0u : backend_->own_session()};
    SinkPair sinks = make_sinks(queue_, filter);
    try {
        backend_->start(sinks, BackendConfig{options_.mask, options_.apartment, options_.per_user});
    } catch (...) {
        queue_->close(true);
        throw;
    }
    auto dispatcher = std::make_shared<Dispatcher>(queue_, handler_, options_.batch_size);
    dispatcher->start();
    sinks_ = std::move(sinks);
    dispatcher_ = std::move(dispatcher);
    running_ = true;
}

bool MonitorCore::stop(std::optional<std::chrono::nanoseconds> timeout, bool discard) {
    std::shared_ptr<Dispatcher> dispatcher;
    SinkPair sinks;
    bool was_running = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        was_running = running_;
        running_ = false;
        sinks = std::move(sinks_);
        dispatcher = dispatcher_;
    }
    // Backend first, so no new events arrive; then close the queue.
    std::optional<ComError> backend_error;
    if (was_running) {
        try {
            backend_->stop();
        } catch (const ComError& e) {
            backend_error = e;
        }
    }
    sinks = SinkPair{};
    if (discard || was_running) queue_->close(discard);
    bool finished = !dispatcher || dispatcher->wait(timeout);
    if (finished && dispatcher) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (dispatcher_ == dispatcher) dispatcher_.reset();
    }
    if (backend_error) throw *backend_error;
    return finished;
}

bool MonitorCore::running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_;
}

bool MonitorCore::on_dispatcher_thread() const {
    std::shared_ptr<Dispatcher> d;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        d = dispatcher_;
    }
    return d && d->on_dispatcher_thread();
}

SinkPair MonitorCore::sinks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!running_) throw StateError("the monitor is not running; call start() first");
    return sinks_;
}

}  // namespace pysens2
