// The state right now (sessions, lock, idle): thin wrappers over WtsState on
// Windows. Records cross as tuples; pysens2._state makes them Session objects.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>

#include "bindings.hpp"
#include "core/errors.hpp"
#include "gil.hpp"

#ifdef _WIN32
#include "backends/wts/session_state.hpp"
#endif
#ifdef PYSENS2_HAVE_LOGIND
#include "backends/logind/logind_state.hpp"
#endif

namespace pysens2 {

namespace py = pybind11;

#ifdef _WIN32
namespace {

py::tuple to_tuple(const SessionRecord& r) {
    auto opt = [](const std::optional<std::int64_t>& v) -> py::object {
        return v ? py::object(py::int_(*v)) : py::object(py::none());
    };
    return py::make_tuple(r.session_id, r.user, r.domain, r.state, r.locked, r.station, r.remote,
                          r.client_name, r.client_address, opt(r.logon_ns), opt(r.connect_ns),
                          opt(r.disconnect_ns), opt(r.last_input_ns));
}

}  // namespace

void bind_state(py::module_& m) {
    m.attr("HAVE_WTS_STATE") = true;
    m.attr("HAVE_LOGIND_STATE") = false;
    // Each releases the GIL: the WTS calls are RPCs to TermService.
    m.def("wts_sessions", [] {
        auto all = without_gil([] { return WtsState().sessions(); });
        py::list out;
        for (const auto& r : all) out.append(to_tuple(r));
        return out;
    });
    m.def("wts_session", [](std::uint32_t id) {
        return to_tuple(without_gil([&] { return WtsState().session(id); }));
    }, py::arg("session_id"));
    m.def("wts_current_session_id",
          [] { return without_gil([] { return WtsState().current_session_id(); }); });
    m.def("wts_console_session_id", [](double patience) {
        auto ms = std::chrono::milliseconds(static_cast<long long>(patience * 1000));
        return without_gil([&] { return WtsState().console_session_id(ms); });
    }, py::arg("patience"));
    m.def("wts_is_locked", [](std::uint32_t id) {
        return without_gil([&] { return WtsState().is_locked(id); });
    }, py::arg("session_id"));
    m.def("wts_idle_seconds", [] { return without_gil([] { return WtsState().idle_seconds(); }); });
}

#else

#ifdef PYSENS2_HAVE_LOGIND
namespace {

py::tuple to_tuple(const LogindSession& s) {
    auto opt = [](const std::optional<std::int64_t>& v) -> py::object {
        return v ? py::object(py::int_(*v)) : py::object(py::none());
    };
    return py::make_tuple(s.id, s.user, s.state, s.locked, s.seat, s.remote, s.remote_host,
                          opt(s.logon_ns), s.idle, opt(s.idle_since_ns));
}

}  // namespace
#endif

void bind_state(py::module_& m) {
    m.attr("HAVE_WTS_STATE") = false;
#ifdef PYSENS2_HAVE_LOGIND
    m.attr("HAVE_LOGIND_STATE") = true;
    // Each releases the GIL: they are calls over the system bus.
    m.def("logind_sessions", [] {
        auto all = without_gil([] { return logind_sessions(); });
        py::list out;
        for (const auto& s : all) out.append(to_tuple(s));
        return out;
    });
    m.def("logind_session", [](const std::string& id) {
        return to_tuple(without_gil([&] { return logind_session(id); }));
    }, py::arg("session_id"));
    m.def("logind_current_session_id",
          [] { return without_gil([] { return logind_current_session_id(); }); });
    m.def("logind_console_session_id",
          [] { return without_gil([] { return logind_console_session_id(); }); });
#else
    m.attr("HAVE_LOGIND_STATE") = false;
#endif
}

#endif

}  // namespace pysens2
