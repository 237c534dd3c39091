#include "py_delivery.hpp"

#include <cstdio>
#include <string>
#include <utility>

#include "core/forced_unwind.hpp"
#include "py_event.hpp"
#include "raised_exception.hpp"

namespace pysens2 {

namespace {
std::atomic<bool> g_exiting{false};
}

void begin_interpreter_exit() { g_exiting.store(true); }

bool interpreter_exiting() {
    if (g_exiting.load()) return true;
    // Finalization can start without the atexit hook having run (e.g. the
    // hook was never registered in this interpreter, or raised first).
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing() != 0;
#else
    return _Py_IsFinalizing() != 0;
#endif
}

PyDelivery::PyDelivery(std::size_t buffer_capacity)
    : table_(std::make_shared<Table>()),
      buffer_(buffer_capacity, EventQueue::Overflow::DiscardOldest) {
    buffer_.close();  // get() on a monitor never started reports it stopped
}

std::shared_ptr<const PyDelivery::Table> PyDelivery::replace_table(
    std::shared_ptr<const Table> table) {
    version_.fetch_add(1);
    handler_count_.store(table->size());
    return std::exchange(table_, std::move(table));
}

std::uint64_t PyDelivery::add_handler(EventMask mask, py::object fn) {
    auto h = std::make_shared<Handler>();
    h->mask = mask;
    h->fn = std::move(fn);
    std::shared_ptr<const Table> old;  // released after the lock, GIL still held
    std::lock_guard<std::mutex> lock(mutex_);
    h->id = next_id_++;
    auto table = std::make_shared<Table>(*table_);
    table->push_back(h);
    old = replace_table(std::move(table));
    return h->id;
}

bool PyDelivery::remove_handler(std::uint64_t id) {
    std::shared_ptr<const Table> old;
    std::lock_guard<std::mutex> lock(mutex_);
    auto table = std::make_shared<Table>();
    bool found = false;
    for (const auto& h : *table_) {
        if (h->id == id) {
            h->active.store(false);  // a delivery holding an old snapshot skips it
            found = true;
        } else {
            table->push_back(h);
        }
    }
    old = replace_table(std::move(table));
    return found;
}

std::size_t PyDelivery::handler_count() const { return handler_count_.load(); }

void PyDelivery::set_error_handler(py::object fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::swap(on_error_, fn);
}

void PyDelivery::set_finished_hook(py::object fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::swap(finished_hook_, fn);
}

void PyDelivery::release_dispatcher_refs() {
    current_.reset();
    current_version_ = ~0ull;
    user_cache_ = UserCache{};
}

void PyDelivery::leak_dispatcher_refs() {
    new std::shared_ptr<const Table>(std::move(current_));  // never freed, on purpose
    for (StrCache* c : {&user_cache_.user, &user_cache_.domain}) {
        (void)c->str.release();
        c->utf8.clear();
    }
    current_version_ = ~0ull;
}

void PyDelivery::clear_python_refs() {
    std::shared_ptr<const Table> old;
    py::object on_error, hook;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& h : *table_) h->active.store(false);
        old = replace_table(std::make_shared<Table>());
        on_error = std::move(on_error_);
        hook = std::move(finished_hook_);
    }
    // Decrefs happen here, outside the lock: they may run arbitrary __del__.
}

int PyDelivery::traverse(visitproc visit, void* arg) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& h : *table_) Py_VISIT(h->fn.ptr());
    Py_VISIT(on_error_.ptr());
    Py_VISIT(finished_hook_.ptr());
    return 0;
}

std::shared_ptr<const PyDelivery::Table> PyDelivery::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return table_;
}

void PyDelivery::starting() { buffer_.reopen(); }

void PyDelivery::thread_started() {
    if (interpreter_exiting()) return;
    // One thread state for the thread's life: each batch then only swaps the GIL.
    gilstate_ = PyGILState_Ensure();
    tstate_ = PyEval_SaveThread();
}

namespace {

// repr(obj), or a description that cannot fail when its __repr__ raises.
std::string safe_repr(const py::handle& obj) {
    try {
        return std::string(py::repr(obj));
    } catch (py::error_already_set&) {
    } catch (const std::exception&) {
    }
    char fallback[128];
    std::snprintf(fallback, sizeof fallback, "<%s object at %p (its repr() raised)>",
                  Py_TYPE(obj.ptr())->tp_name, static_cast<void*>(obj.ptr()));
    return fallback;
}

}  // namespace

namespace {

// Passes the raised exception to sys.unraisablehook, prefixed by `context`.
void write_unraisable(const std::string& context) {
    PyObject* where = PyUnicode_FromString(context.c_str());
    PyErr_WriteUnraisable(where ? where : Py_None);
    Py_XDECREF(where);
}

}  // namespace

// Raw references throughout: a handler that retakes the GIL during
// finalization ends this thread with a forced unwind, which leaks them
// instead of releasing them without the GIL.
void PyDelivery::report_raised(PyObject* event, const Handler& h) {
    PyObject* exc = take_raised_exception();
    PyObject* on_error = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        on_error = on_error_.ptr();
        Py_XINCREF(on_error);
    }
    if (on_error && on_error != Py_None) {
        PyObject* r = PyObject_CallFunctionObjArgs(on_error, exc ? exc : Py_None, event, nullptr);
        if (!r) {
            write_unraisable("pysens2: the on_error handler raised while handling an exception "
                             "from a callback");
        }
        Py_XDECREF(r);
        Py_XDECREF(exc);
        Py_DECREF(on_error);
        return;
    }
    Py_XDECREF(on_error);
    // Built before the exception is restored: repr() runs Python code.
    const std::string context =
        "pysens2 callback " + safe_repr(h.fn) + " for " + safe_repr(py::handle(event));
    if (exc) restore_raised_exception(exc);
    write_unraisable(context);
}

PYSENS2_CATCHES_FORCED_UNWIND std::int64_t PyDelivery::call_handlers(const Event& e,
                                                                   bool timing) {
    // Re-read the table only when on()/remove() changed it; `active` covers
    // a handler removed while this copy is in use.
    const std::uint64_t version = version_.load(std::memory_order_acquire);
    if (version != current_version_) {
        current_ = snapshot();
        current_version_ = version;
    }
    const std::shared_ptr<const Table> table = current_;
    const EventMask bit = mask_of(e.type());
    py::object event;
    std::int64_t in_callbacks = 0;
    for (const auto& h : *table) {
        if (!(h->mask & bit) || !h->active.load(std::memory_order_relaxed)) continue;
        try {
            bool failed = false;
            try {
                if (!event) event = to_python(e, &user_cache_);
                const std::int64_t t0 = timing ? monotonic_now_ns() : 0;
                PyObject* r = PyObject_CallOneArg(h->fn.ptr(), event.ptr());
                if (timing) in_callbacks += monotonic_now_ns() - t0;
                failed = !r;
                Py_XDECREF(r);
            } catch (py::error_already_set& err) {
                // Back into the error indicator now: the exception object's
                // destructor takes the GIL, which must not happen in an unwind.
                err.restore();
                failed = true;
            }
            // Reporting must not cost the later handlers this event.
            if (failed) report_raised(event ? event.ptr() : Py_None, *h);
        }
        // A callback (or on_error) that retakes the GIL during finalization
        // is ended by CPython with a forced unwind, without the GIL: leak the
        // event rather than decref it then.
        PYSENS2_ON_FORCED_UNWIND((void)event.release())
        catch (...) {
            throw;  // (the handler a try needs where there is no forced unwind)
        }
        if (interpreter_exiting()) break;
    }
    return in_callbacks;
}

PYSENS2_CATCHES_FORCED_UNWIND void PyDelivery::deliver(std::vector<Event>& batch) {
    if (tstate_ && handler_count() > 0 && !interpreter_exiting()) {
        const bool timing = timing_.load(std::memory_order_relaxed);
        PyEval_RestoreThread(tstate_);
        const std::int64_t t0 = timing ? monotonic_now_ns() : 0;
        std::int64_t in_callbacks = 0;
        for (const Event& e : batch) {
            if (interpreter_exiting()) break;
            try {
                in_callbacks += call_handlers(e, timing);
            }
            PYSENS2_RETHROW_FORCED_UNWIND
            catch (...) {
                // A C++ error building one event must not cost the rest.
                PyErr_Clear();
            }
        }
        if (timing) {
            stats_.gil_ns += static_cast<std::uint64_t>(monotonic_now_ns() - t0);
            stats_.callback_ns += static_cast<std::uint64_t>(in_callbacks);
            stats_.batches += 1;
            stats_.events += batch.size();
        }
        tstate_ = PyEval_SaveThread();
    }
    buffer_.push_all(batch);
}

void PyDelivery::thread_abandoned() {
    // get() waiters must not wait for a delivery that will never come.
    buffer_.close();
    tstate_ = nullptr;
}

void PyDelivery::thread_finishing() {
    // Closing after the last delivery lets get() hand out everything first.
    buffer_.close();
    if (!tstate_) return;
    PyEval_RestoreThread(tstate_);
    if (interpreter_exiting()) {
        // A __del__ run by these decrefs could retake the GIL and end the
        // thread inside a destructor: at exit, leaking them is the safe choice.
        leak_dispatcher_refs();
    } else {
        release_dispatcher_refs();
        PyObject* hook = nullptr;  // raw: see report_raised()
        {
            std::lock_guard<std::mutex> lock(mutex_);
            hook = finished_hook_.ptr();
            Py_XINCREF(hook);
        }
        if (hook && hook != Py_None) {
            PyObject* r = PyObject_CallNoArgs(hook);
            if (!r) write_unraisable("pysens2 monitor shutdown hook");
            Py_XDECREF(r);
        }
        Py_XDECREF(hook);
    }
    tstate_ = nullptr;
    PyGILState_Release(gilstate_);  // destroys the thread state, releases the GIL
}

}  // namespace pysens2
