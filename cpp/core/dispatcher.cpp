#include "dispatcher.hpp"

#include "forced_unwind.hpp"

#include <condition_variable>
#include <mutex>
#include <utility>

namespace pysens2 {

// Shared with the thread so it outlives a Dispatcher destroyed mid-delivery.
struct Dispatcher::State {
    std::shared_ptr<EventQueue> queue;
    std::shared_ptr<DeliveryHandler> handler;
    std::size_t batch_size;
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    std::thread::id thread_id;

    // Runs however the thread ends, a forced unwind included (glibc's way of
    // ending a thread that touches a finalizing interpreter): a thread that
    // did not reach thread_finishing() is abandoned, and `done` is set.
    struct ExitGuard {
        State& s;
        bool finished_normally = false;
        ~ExitGuard() {
            if (!finished_normally) s.handler->thread_abandoned();
            {
                std::lock_guard<std::mutex> lock(s.mutex);
                s.done = true;
            }
            s.done_cv.notify_all();
        }
    };

    PYSENS2_CATCHES_FORCED_UNWIND void run() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            thread_id = std::this_thread::get_id();
        }
        ExitGuard exit{*this};
        handler->thread_started();
        std::vector<Event> batch;
        batch.reserve(batch_size);
        while (queue->pop_batch(batch, batch_size)) {
            stamp_wall_clock(batch);
            // The handler reports its own errors; anything escaping it must
            // not end the thread (std::terminate) or lose later events.
            try {
                handler->deliver(batch);
            }
            PYSENS2_RETHROW_FORCED_UNWIND
            catch (...) {
            }
        }
        handler->thread_finishing();
        exit.finished_normally = true;
    }
};

Dispatcher::Dispatcher(std::shared_ptr<EventQueue> queue, std::shared_ptr<DeliveryHandler> handler,
                       std::size_t batch_size)
    : state_(std::make_shared<State>()) {
    state_->queue = std::move(queue);
    state_->handler = std::move(handler);
    state_->batch_size = batch_size ? batch_size : 1;
}

Dispatcher::~Dispatcher() {
    std::lock_guard<std::mutex> join_lock(join_mutex_);
    if (!thread_.joinable()) return;
    // Still delivering (or destroyed from inside its own delivery): it may be
    // in a callback that never returns, or be ended by interpreter
    // finalization. It owns what it uses; let it finish on its own.
    if (on_dispatcher_thread() || !finished()) thread_.detach();
    else thread_.join();  // it has set `done`: only its return is left
}

void Dispatcher::start() {
    std::shared_ptr<State> state = state_;
    std::lock_guard<std::mutex> join_lock(join_mutex_);
    thread_ = std::thread([state] { state->run(); });
}

bool Dispatcher::on_dispatcher_thread() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return std::this_thread::get_id() == state_->thread_id;
}

bool Dispatcher::finished() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->done;
}

bool Dispatcher::wait(std::optional<std::chrono::nanoseconds> timeout) {
    {
        std::lock_guard<std::mutex> join_lock(join_mutex_);
        if (!thread_.joinable()) return true;  // never started, or joined already
    }
    if (on_dispatcher_thread()) return false;
    {
        std::unique_lock<std::mutex> lock(state_->mutex);
        auto done = [&] { return state_->done; };
        if (timeout) {
            if (!state_->done_cv.wait_for(lock, *timeout, done)) return false;
        } else {
            state_->done_cv.wait(lock, done);
        }
    }
    std::lock_guard<std::mutex> join_lock(join_mutex_);
    if (thread_.joinable()) thread_.join();
    return true;
}

}  // namespace pysens2
