// The SessionEvent class: construction (for users' own tests), fields,
// equality, hashing and repr.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "bindings.hpp"
#include "py_event.hpp"
#include "python_refs.hpp"

namespace pysens2 {

namespace {

// The source for a type given whether a session id is present: ISensLogon2
// carries one, ISensLogon does not (Logon and Logoff exist on both).
Source source_for(EventType t, bool has_session) {
    Source s = canonical_source(t);
    if (!has_session && source_info(s).iface == SensInterface::Logon2) {
        if (t == EventType::Logon) return Source::Logon_Logon;
        if (t == EventType::Logoff) return Source::Logon_Logoff;
        throw py::value_error(std::string(kEventTypeNames[static_cast<int>(t)]) +
                              " events come from ISensLogon2 and always carry a session id; "
                              "pass session_id (0 to 4294967295)");
    }
    return s;
}

Source source_named(const std::string& name) {
    std::string all;
    for (std::size_t i = 0; i < kSourceCount; ++i) {
        if (kSources[i].qualified == name) return static_cast<Source>(i);
        all += (i ? ", " : "") + std::string(kSources[i].qualified);
    }
    throw py::value_error("unknown source '" + name + "'; expected one of: " + all);
}

EventType type_of(const py::object& member) {
    std::string name = py::str(member.attr("name"));
    for (std::size_t i = 0; i < kEventTypeCount; ++i)
        if (kEventTypeNames[i] == name) return static_cast<EventType>(i);
    throw py::value_error("not an EventType: " + name);
}

SessionEvent make(py::object type, py::object user, py::object session_id,
                  std::optional<std::string> source, std::optional<std::int64_t> timestamp_ns,
                  std::optional<std::int64_t> monotonic_ns) {
    py::object member = py_refs::parse_event_type()(type);
    EventType t = type_of(member);
    if (!py::isinstance<py::str>(user))
        throw py::type_error("user must be a str, not " +
                             std::string(py::str(py::type::of(user).attr("__name__"))));
    bool has_session = !session_id.is_none();
    if (has_session) {
        if (!py::isinstance<py::int_>(session_id) || py::isinstance<py::bool_>(session_id))
            throw py::type_error("session_id must be an int or None");
        py::int_ lo(0), hi(4294967295ull);
        if (session_id < lo || session_id > hi)
            throw py::value_error("session_id must be between 0 and 4294967295, got " +
                                  std::string(py::str(session_id)));
    }
    Source s = source ? source_named(*source) : source_for(t, has_session);
    const SourceInfo& info = source_info(s);
    if (info.type != t)
        throw py::value_error("source '" + std::string(info.qualified) + "' delivers " +
                              std::string(kEventTypeNames[static_cast<int>(info.type)]) +
                              ", not " + std::string(kEventTypeNames[static_cast<int>(t)]));
    if ((info.iface == SensInterface::Logon2) != has_session)
        throw py::value_error(has_session ? "ISensLogon events carry no session id; pass "
                                            "session_id=None"
                                          : "ISensLogon2 events carry a session id");
    return SessionEvent{member, user, session_id, timestamp_ns.value_or(wall_now_ns()),
                        monotonic_ns.value_or(monotonic_now_ns()), s};
}

py::object timestamp(const SessionEvent& e) {
    // Whole microseconds: what datetime can hold. Floor division keeps
    // pre-1970 values on the right side.
    std::int64_t us = e.timestamp_ns / 1000 - (e.timestamp_ns % 1000 < 0 ? 1 : 0);
    return py_refs::utc_epoch() + py_refs::timedelta()(py::arg("microseconds") = us);
}

py::tuple key(const SessionEvent& e) {
    return py::make_tuple(e.type, e.user, e.session_id, e.timestamp_ns, e.monotonic_ns,
                          static_cast<int>(e.source));
}

}  // namespace

void bind_event(py::module_& m) {
    py::class_<SessionEvent>(m, "SessionEvent", py::is_final(),
                             "One session event, immutable and hashable.")
        .def(py::init(&make), py::arg("type"), py::arg("user"), py::arg("session_id") = py::none(),
             py::kw_only(), py::arg("source") = py::none(), py::arg("timestamp_ns") = py::none(),
             py::arg("monotonic_ns") = py::none())
        .def_property_readonly("type", [](const SessionEvent& e) { return e.type; })
        .def_property_readonly("user", [](const SessionEvent& e) { return e.user; })
        .def_property_readonly("session_id", [](const SessionEvent& e) { return e.session_id; })
        .def_property_readonly("timestamp", &timestamp)
        .def_readonly("timestamp_ns", &SessionEvent::timestamp_ns)
        .def_readonly("monotonic_ns", &SessionEvent::monotonic_ns)
        .def_property_readonly("source",
                               [](const SessionEvent& e) {
                                   return std::string(source_info(e.source).qualified);
                               })
        .def("__eq__",
             [](const SessionEvent& a, py::object other) -> py::object {
                 if (!py::isinstance<SessionEvent>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
                 return py::bool_(key(a).equal(key(other.cast<const SessionEvent&>())));
             })
        .def("__hash__", [](const SessionEvent& e) { return py::hash(key(e)); })
        .def("__repr__",
             [](const SessionEvent& e) {
                 py::object ts = timestamp(e).attr("isoformat")();
                 return py::str("SessionEvent(type={}, user={!r}, session_id={!r}, "
                                "timestamp='{}', source='{}')")
                     .format(py::str("EventType.") + py::str(e.type.attr("name")), e.user,
                             e.session_id, ts, source_info(e.source).qualified);
             })
        .def("__reduce__", [](const SessionEvent& e) {
            // Picklable: rebuilt through the checked constructor.
            py::object ctor = py::module_::import("functools").attr("partial")(
                py::type::of<SessionEvent>(),
                py::arg("source") = std::string(source_info(e.source).qualified),
                py::arg("timestamp_ns") = e.timestamp_ns, py::arg("monotonic_ns") = e.monotonic_ns);
            return py::make_tuple(ctor, py::make_tuple(e.type, e.user, e.session_id));
        });
}

}  // namespace pysens2
