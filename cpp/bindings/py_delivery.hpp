// The Python side of the dispatcher: calls the registered callables for each
// event, holding the GIL only for that, and feeds the buffer that get() and
// iteration read. Lock order: the registry mutex is never held while the GIL
// is being acquired or while Python code runs.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/dispatcher.hpp"
#include "py_event.hpp"

namespace pysens2 {

namespace py = pybind11;

// Set once the interpreter starts exiting: dispatchers stop calling Python.
// interpreter_exiting() is also true once finalization has begun.
void begin_interpreter_exit();
bool interpreter_exiting();

class PyDelivery final : public DeliveryHandler {
public:
    explicit PyDelivery(std::size_t buffer_capacity);

    // All of these run with the GIL held.
    std::uint64_t add_handler(EventMask mask, py::object fn);
    bool remove_handler(std::uint64_t id);
    std::size_t handler_count() const;
    void set_error_handler(py::object fn);
    void set_finished_hook(py::object fn);
    // Drops every Python reference (before destruction, and for tp_clear).
    void clear_python_refs();
    int traverse(visitproc visit, void* arg) const;

    // Optional timing of the GIL-holding part of each delivery (benchmarks).
    struct Stats {
        std::atomic<std::uint64_t> batches{0}, events{0}, gil_ns{0}, callback_ns{0};
    };
    void set_timing(bool on) { timing_.store(on); }
    const Stats& stats() const { return stats_; }

    // Events every delivery also appends to; get() reads it.
    EventQueue& buffer() { return buffer_; }

    void starting() override;
    void thread_started() override;
    void deliver(std::vector<Event>& batch) override;
    void thread_finishing() override;
    void thread_abandoned() override;

private:
    struct Handler {
        EventMask mask;
        py::object fn;
        std::uint64_t id;
        std::atomic<bool> active{true};
    };
    using Table = std::vector<std::shared_ptr<Handler>>;

    std::shared_ptr<const Table> snapshot() const;
    // mutex_ held: installs `table` and returns the old one, which the caller
    // releases after unlocking.
    std::shared_ptr<const Table> replace_table(std::shared_ptr<const Table> table);
    // Drops the dispatcher thread's own Python references (GIL held).
    void release_dispatcher_refs();
    // The same at exit, without decrefs (which could run Python).
    void leak_dispatcher_refs();
    // Returns the nanoseconds spent inside callbacks when timing, else 0.
    std::int64_t call_handlers(const Event& e, bool timing);
    // The dispatcher's copy of the table, refreshed when version_ moves.
    std::shared_ptr<const Table> current_;
    std::uint64_t current_version_ = ~0ull;
    UserCache user_cache_;
    // Hands the raised exception to on_error, or to sys.unraisablehook.
    void report_raised(PyObject* event, const Handler& h);

    mutable std::mutex mutex_;
    std::shared_ptr<const Table> table_;  // copy-on-write; replaced, never edited
    std::atomic<std::uint64_t> version_{0};  // bumped on every replacement
    std::atomic<std::size_t> handler_count_{0};
    py::object on_error_;
    py::object finished_hook_;
    std::uint64_t next_id_ = 1;
    EventQueue buffer_;
    std::atomic<bool> timing_{false};
    Stats stats_;
    PyThreadState* tstate_ = nullptr;  // the dispatcher thread's, kept for its lifetime
    PyGILState_STATE gilstate_{};
};

}  // namespace pysens2
