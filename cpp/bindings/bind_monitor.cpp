// _native.Monitor and the module-level exit/backends functions.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "bindings.hpp"
#include "core/errors.hpp"
#include "gil.hpp"
#include "native_monitor.hpp"

#include "backends/registry.hpp"
#include "backends/service/service_backend.hpp"
#include "py_event.hpp"

namespace pysens2 {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<std::chrono::nanoseconds> to_duration(std::optional<double> seconds) {
    if (!seconds) return std::nullopt;
    if (std::isnan(*seconds) || *seconds < 0)
        throw py::value_error("timeout must be a non-negative number of seconds or None");
    // Anything beyond a century is "forever" and must not overflow.
    if (*seconds > 3.0e9) return std::nullopt;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(*seconds * 1e9));
}

// How often a waiting main thread wakes to let Python run signal handlers
// (Ctrl+C). Only get() on the main thread does this; nothing else polls.
constexpr auto kSignalSlice = std::chrono::milliseconds(100);

}  // namespace

NativeMonitor::NativeMonitor(const std::string& backend, std::optional<EventMask> mask,
                             std::size_t queue_size,
                             std::size_t buffer_size, bool all_sessions,
                             const std::string& apartment, bool per_user)
    : generation_(fork_generation()), delivery_(std::make_shared<PyDelivery>(buffer_size)) {
    if (apartment != "mta" && apartment != "sta")
        throw py::value_error("apartment must be 'mta' or 'sta', got '" + apartment + "'");
    MonitorOptions options;
    options.apartment = apartment == "sta" ? Apartment::Sta : Apartment::Mta;
    options.per_user = per_user;
    options.mask = mask;
    options.queue_size = queue_size;
    options.all_sessions = all_sessions;
    core_ = std::make_unique<MonitorCore>(options, delivery_, make_backend(backend));
}

NativeMonitor::~NativeMonitor() {
    if (!usable()) {
        // Inherited through fork(): its threads and locks are the parent's.
        core_.release();
        new std::shared_ptr<PyDelivery>(std::move(delivery_));
        return;
    }
    without_gil([&] {
        try {
            // GC, `del` and module teardown never wait for the dispatcher: its
            // callback may be waiting for this very thread (stop(timeout) is
            // how a user waits for it).
            core_->stop(std::chrono::nanoseconds(0), true);
        } catch (const std::exception&) {
            // Nobody can be told from a destructor; stop() reports errors.
        }
    });
    delivery_->clear_python_refs();
}

bool NativeMonitor::usable() const { return generation_ == fork_generation(); }

MonitorCore& NativeMonitor::core() {
    if (!usable())
        throw ForkedMonitor("this SessionMonitor was created before os.fork(): its threads "
                            "stayed in the parent process. Create a new SessionMonitor in the "
                            "child");
    return *core_;
}

PyDelivery& NativeMonitor::delivery() {
    core();  // the same check
    return *delivery_;
}

void NativeMonitor::start() {
    MonitorCore& c = core();
    without_gil([&] { c.start(); });
}

bool NativeMonitor::stop(std::optional<double> timeout, bool discard) {
    auto wait = to_duration(timeout);
    MonitorCore& c = core();
    return without_gil([&] { return c.stop(wait, discard); });
}

py::object NativeMonitor::get(std::optional<double> timeout, bool interruptible) {
    auto limit = to_duration(timeout);
    // The buffer is filled after a batch's callbacks: from inside one, get()
    // could only return stale events or wait out its timeout.
    if (core().on_dispatcher_thread())
        throw StateError("get() cannot be called from inside this monitor's callback: the "
                         "event is the callback's argument; call get() from another thread");
    EventQueue& buffer = delivery().buffer();
    const auto deadline = limit ? Clock::now() + *limit : Clock::time_point::max();
    Event e;
    for (;;) {
        auto left = limit ? std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now())
                          : std::chrono::nanoseconds(std::chrono::hours(24));
        if (left.count() < 0) left = std::chrono::nanoseconds(0);
        if (interruptible && left > kSignalSlice) left = kSignalSlice;
        EventQueue::PopResult r = without_gil([&] { return buffer.pop_for(e, left); });
        if (r == EventQueue::PopResult::Event) return to_python(e);
        if (r == EventQueue::PopResult::Closed)
            throw MonitorStopped("the monitor is stopped and every event it received has been "
                                 "handed out");
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (limit && Clock::now() >= deadline) {
            PyErr_SetString(PyExc_TimeoutError, "no session event arrived within the timeout");
            throw py::error_already_set();
        }
    }
}

void bind_monitor(py::module_& m) {
    py::class_<NativeMonitor> cls(
        m, "Monitor", py::custom_type_setup([](PyHeapTypeObject* heap_type) {
            // Callbacks often reference the object that owns the monitor:
            // let the cycle collector see them.
            auto* type = &heap_type->ht_type;
            type->tp_flags |= Py_TPFLAGS_HAVE_GC;
            // In a forked child the monitor is left alone (see fork_guard.hpp).
            type->tp_traverse = [](PyObject* self, visitproc visit, void* arg) {
                Py_VISIT(Py_TYPE(self));
                if (!py::detail::is_holder_constructed(self)) return 0;
                auto& n = py::cast<NativeMonitor&>(py::handle(self));
                return n.usable() ? n.delivery().traverse(visit, arg) : 0;
            };
            type->tp_clear = [](PyObject* self) {
                if (!py::detail::is_holder_constructed(self)) return 0;
                auto& n = py::cast<NativeMonitor&>(py::handle(self));
                if (n.usable()) n.delivery().clear_python_refs();
                return 0;
            };
        }));
    cls.def(py::init<const std::string&, std::optional<EventMask>, std::size_t, std::size_t, bool,
                     const std::string&, bool>(),
            py::arg("backend"), py::arg("mask"), py::arg("queue_size"), py::arg("buffer_size"),
            py::arg("all_sessions"), py::arg("apartment"), py::arg("per_user"))
        .def("start", &NativeMonitor::start)
        .def("stop", &NativeMonitor::stop, py::arg("timeout"), py::arg("discard") = false)
        .def("get", &NativeMonitor::get, py::arg("timeout"), py::arg("interruptible"))
        .def_property_readonly("running",
                               [](NativeMonitor& n) { return n.usable() && n.running(); })
        .def_property_readonly("dropped", [](NativeMonitor& n) { return n.core().dropped(); })
        .def_property_readonly("missed",
                               [](NativeMonitor& n) { return n.delivery().buffer().dropped(); })
        .def_property_readonly("backend",
                               [](NativeMonitor& n) { return std::string(n.core().backend_name()); })
        .def_property_readonly("own_session", [](NativeMonitor& n) { return n.core().own_session(); })
        .def_property_readonly("mask", [](NativeMonitor& n) { return n.core().mask(); })
        .def_property_readonly("all_sessions",
                               [](NativeMonitor& n) { return n.core().options().all_sessions; })
        .def("set_timing", [](NativeMonitor& n, bool on) { n.delivery().set_timing(on); },
             py::arg("on"))
        .def("stats",
             [](NativeMonitor& n) {
                 const auto& s = n.delivery().stats();
                 py::dict d;
                 d["batches"] = s.batches.load();
                 d["events"] = s.events.load();
                 d["gil_ns"] = s.gil_ns.load();
                 d["callback_ns"] = s.callback_ns.load();
                 d["wakeups"] = n.core().dispatcher_wakeups();
                 return d;
             })
        .def("add_handler",
             [](NativeMonitor& n, EventMask mask, py::object fn) {
                 return n.delivery().add_handler(mask, std::move(fn));
             },
             py::arg("mask"), py::arg("fn"))
        .def("remove_handler",
             [](NativeMonitor& n, std::uint64_t id) { return n.delivery().remove_handler(id); },
             py::arg("id"))
        .def("set_error_handler",
             [](NativeMonitor& n, py::object fn) { n.delivery().set_error_handler(std::move(fn)); },
             py::arg("fn"))
        .def("post_service_event",
             [](NativeMonitor& n, std::uint32_t code, std::uint32_t session_id) {
                 if (!n.core().running()) return false;
                 auto* service = dynamic_cast<ServiceBackend*>(&n.core().running_backend());
                 if (!service)
                     throw py::value_error("service_control() needs a monitor with "
                                           "backend=\"service\", not '" +
                                           std::string(n.core().backend_name()) + "'");
                 return service->post(code, session_id);
             },
             py::arg("code"), py::arg("session_id"))
        .def("set_finished_hook",
             [](NativeMonitor& n, py::object fn) { n.delivery().set_finished_hook(std::move(fn)); },
             py::arg("fn"));

    install_fork_handler();
    m.def("begin_interpreter_exit", &begin_interpreter_exit,
          "Stop calling Python from dispatcher threads (atexit).");
    m.def("backend_statuses", [] {
        py::list out;
        for (const auto& s : backend_statuses())
            out.append(py::make_tuple(s.name, s.available, s.reason, s.supported));
        return out;
    });
    m.def("event_type_names", [] {
        py::list out;
        for (auto n : kEventTypeNames) out.append(std::string(n));
        return out;
    });
    m.attr("DEFAULT_QUEUE_SIZE") = MonitorOptions{}.queue_size;
    // Events kept for get()/iteration: enough for any human-paced burst, and
    // small enough (about 256 KiB) that callback-only users do not notice it.
    m.attr("DEFAULT_BUFFER_SIZE") = std::size_t{4096};
}

}  // namespace pysens2
