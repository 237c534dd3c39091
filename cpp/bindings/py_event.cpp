#include "py_event.hpp"

#include <structmember.h>

#include <cstdint>
#include <optional>
#include <string>

#include "python_refs.hpp"

namespace pysens2 {

namespace {

PyTypeObject* g_type = nullptr;
// Added to monotonic_now_ns() to give time.perf_counter_ns()'s clock (see perf_counter_offset).
std::int64_t g_perf_offset = 0;

PyObject* new_ref(PyObject* o) {  // Py_NewRef, which Python 3.9 lacks
    Py_INCREF(o);
    return o;
}

// Whether a source carries a WTS code (WM_WTSSESSION_CHANGE or a service's
// SERVICE_CONTROL_SESSIONCHANGE), and which one its name stands for (0: any
// code pysens2 does not know).
bool has_code(Source s) { return s >= Source::Wts_ConsoleConnect && s <= Source::Service_Other; }
std::uint32_t named_code(Source s) {
    const auto i = static_cast<std::uint32_t>(s);
    if (s >= Source::Service_ConsoleConnect)
        return s == Source::Service_Other ? 0 : i - static_cast<std::uint32_t>(Source::Service_ConsoleConnect) + 1;
    return s == Source::Wts_Other ? 0 : i - static_cast<std::uint32_t>(Source::Wts_ConsoleConnect) + 1;
}

SessionEventObject* alloc_event(PyObject* type, PyObject* user, PyObject* domain, PyObject* seat,
                                PyObject* session_id, std::int64_t timestamp_ns,
                                std::int64_t monotonic_ns, Source source, std::int64_t code) {
    auto* self = PyObject_New(SessionEventObject, g_type);
    if (!self) return nullptr;
    Py_INCREF(type);
    Py_INCREF(user);
    Py_INCREF(domain);
    Py_INCREF(seat);
    Py_INCREF(session_id);
    self->type = type;
    self->user = user;
    self->domain = domain;
    self->seat = seat;
    self->session_id = session_id;
    self->timestamp_ns = timestamp_ns;
    self->monotonic_ns = monotonic_ns;
    self->code = code;
    self->source = source;
    return self;
}

std::string source_list() {
    std::string all;
    for (std::size_t i = 0; i < kSourceCount; ++i)
        all += (i ? ", " : "") + std::string(kSources[i].name);
    return all;
}

EventType type_of(const py::object& member) {
    std::string name = py::str(member.attr("name"));
    for (std::size_t i = 0; i < kEventTypeCount; ++i)
        if (kEventTypeNames[i] == name) return static_cast<EventType>(i);
    throw py::value_error("not an EventType: " + name);
}

std::int64_t optional_ns(PyObject* value, const char* name, std::int64_t fallback) {
    if (!value || value == Py_None) return fallback;
    if (!PyLong_Check(value) || PyBool_Check(value))
        throw py::type_error(std::string(name) + " must be an int (nanoseconds) or None");
    long long v = PyLong_AsLongLong(value);
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return v;
}

std::optional<std::uint32_t> optional_code(PyObject* code_arg) {
    if (!code_arg || code_arg == Py_None) return std::nullopt;
    if (!PyLong_Check(code_arg) || PyBool_Check(code_arg))
        throw py::type_error("code must be an int or None");
    const unsigned long long code = PyLong_AsUnsignedLongLong(code_arg);
    if (PyErr_Occurred() || code > 0xFFFFFFFFull) {
        PyErr_Clear();
        throw py::value_error("code must be between 0 and 4294967295");
    }
    return static_cast<std::uint32_t>(code);
}

// The source a SessionEvent(...) names or implies (a code alone implies its
// WTS source), checked against its type, session id and code.
Source checked_source(EventType t, SessionKind kind, PyObject* source_arg,
                      std::optional<std::uint32_t> code) {
    Source s;
    if (source_arg && source_arg != Py_None) {
        if (!PyUnicode_Check(source_arg)) throw py::type_error("source must be a str or None");
        const std::string name = py::str(source_arg);
        if (!is_source_name(name))
            throw py::value_error("unknown source '" + name + "'; expected one of: " + source_list());
        auto found = source_named(name, t);
        if (!found)
            throw py::value_error("source '" + name + "' does not deliver " +
                                  std::string(type_name(t)));
        s = *found;
    } else if (code) {
        s = wts_source(*code);
    } else {
        auto found = default_source(t, kind);
        if (!found) {
            // Say what session ids this type's sources do carry.
            std::string allowed;
            for (SessionKind k : {SessionKind::Number, SessionKind::Name}) {
                if (!default_source(t, k)) continue;
                if (!allowed.empty()) allowed += " or ";
                allowed += k == SessionKind::Number ? "an int (a Windows session)"
                                                    : "a str (a logind session such as 'c1')";
            }
            const std::string what(type_name(t));
            if (allowed.empty())
                throw py::value_error(what + " events carry no session id; pass session_id=None");
            if (kind == SessionKind::None)
                throw py::value_error(what + " events always carry a session id; pass " +
                                      allowed);
            throw py::value_error(what + " events take as session_id " + allowed +
                                  (default_source(t, SessionKind::None) ? ", or None" : ""));
        }
        s = *found;
    }
    const SourceInfo& info = source_info(s);
    if (info.type != t)
        throw py::value_error("source '" + std::string(info.name) + "' delivers " +
                              std::string(type_name(info.type)) + ", not " +
                              std::string(type_name(t)));
    if (info.session != kind) {
        const std::string name(info.name);
        if (info.session == SessionKind::None)
            throw py::value_error("'" + name + "' events carry no session id; pass session_id=None");
        if (info.session == SessionKind::Name)
            throw py::value_error("'" + name + "' events carry logind's session id, a str such as '2' or 'c1'");
        throw py::value_error("'" + name + "' events carry a Windows session id, an int");
    }
    return s;
}

// The event's code: the one its source stands for, or the given one
// (required for *.OTHER); -1 for sources without codes.
std::int64_t checked_code(Source s, std::optional<std::uint32_t> code) {
    const std::string name(source_info(s).name);
    if (!has_code(s)) {
        if (code) throw py::value_error("code is only for WTS and service sources, not '" + name + "'");
        return -1;
    }
    const std::uint32_t named = named_code(s);
    if (!code) {
        if (named == 0)
            throw py::value_error("'" + name + "' events need their code (an int other than 1-9)");
        return named;
    }
    if (named != 0 ? *code != named : (*code >= kWtsFirstCode && *code <= kWtsLastCode))
        throw py::value_error("code " + std::to_string(*code) + " does not match source '" + name + "'");
    return *code;
}

// SessionEvent(type, user, session_id=None, *, domain="", source=None, code=None,
//              timestamp_ns=None, monotonic_ns=None)
PyObject* make(PyObject* type_arg, PyObject* user, PyObject* session_id, PyObject* domain,
               PyObject* seat, PyObject* source_arg, PyObject* code_arg,
               PyObject* timestamp_arg, PyObject* monotonic_arg) {
    py::object member = py_refs::parse_event_type()(py::handle(type_arg));
    EventType t = type_of(member);
    if (!PyUnicode_Check(user))
        throw py::type_error(std::string("user must be a str, not ") + Py_TYPE(user)->tp_name);
    py::object empty = py::str("");
    if (!domain) domain = empty.ptr();
    if (!PyUnicode_Check(domain))
        throw py::type_error(std::string("domain must be a str, not ") + Py_TYPE(domain)->tp_name);
    if (!seat) seat = empty.ptr();
    if (!PyUnicode_Check(seat))
        throw py::type_error(std::string("seat must be a str, not ") + Py_TYPE(seat)->tp_name);
    if (!session_id) session_id = Py_None;
    SessionKind kind = SessionKind::None;
    if (PyUnicode_Check(session_id)) {
        kind = SessionKind::Name;
        if (PyUnicode_GetLength(session_id) == 0)
            throw py::value_error("a logind session id is a non-empty str such as '2' or 'c1'");
    } else if (session_id != Py_None) {
        if (!PyLong_Check(session_id) || PyBool_Check(session_id))
            throw py::type_error("session_id must be an int (Windows), a str (logind) or None");
        kind = SessionKind::Number;
        py::handle sid(session_id);
        if (sid < py::int_(0) || sid > py::int_(4294967295ull))
            throw py::value_error("session_id must be between 0 and 4294967295, got " +
                                  std::string(py::str(sid)));
    }
    const std::optional<std::uint32_t> code_given = optional_code(code_arg);
    const Source s = checked_source(t, kind, source_arg, code_given);
    const std::int64_t code = checked_code(s, code_given);
    PyObject* sid = kind == SessionKind::Number ? PyNumber_Index(session_id) : new_ref(session_id);
    if (!sid) throw py::error_already_set();
    auto* self = alloc_event(member.ptr(), user, domain, seat, sid,
                             optional_ns(timestamp_arg, "timestamp_ns", wall_now_ns()),
                             optional_ns(monotonic_arg, "monotonic_ns", monotonic_now_ns() + g_perf_offset),
                             s, code);
    Py_DECREF(sid);
    return reinterpret_cast<PyObject*>(self);
}

template <class Fn>
PyObject* guarded(Fn&& fn) {
    try {
        return fn();
    } catch (py::error_already_set& e) {
        e.restore();
    } catch (const py::builtin_exception& e) {
        e.set_error();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
    }
    return nullptr;
}

SessionEventObject* self_of(PyObject* o) { return reinterpret_cast<SessionEventObject*>(o); }

PyObject* event_new(PyTypeObject*, PyObject* args, PyObject* kwargs) {
    static const char* names[] = {"type", "user", "session_id", "domain", "seat", "source",
                                  "code", "timestamp_ns", "monotonic_ns", nullptr};
    PyObject *type = nullptr, *user = nullptr, *sid = nullptr, *domain = nullptr,
             *seat = nullptr, *source = nullptr, *code = nullptr, *ts = nullptr, *mono = nullptr;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O$OOOOOO:SessionEvent",
                                     const_cast<char**>(names), &type, &user, &sid, &domain,
                                     &seat, &source, &code, &ts, &mono))
        return nullptr;
    return guarded([&] { return make(type, user, sid, domain, seat, source, code, ts, mono); });
}

void event_dealloc(PyObject* o) {
    auto* self = self_of(o);
    Py_XDECREF(self->type);
    Py_XDECREF(self->user);
    Py_XDECREF(self->domain);
    Py_XDECREF(self->seat);
    Py_XDECREF(self->session_id);
    PyTypeObject* type = Py_TYPE(o);
    PyObject_Free(o);
    Py_DECREF(type);  // instances of a heap type own a reference to it
}

py::object timestamp_of(const SessionEventObject* e) {
    // Whole microseconds, what datetime holds; floor division for pre-1970.
    std::int64_t us = e->timestamp_ns / 1000 - (e->timestamp_ns % 1000 < 0 ? 1 : 0);
    return py_refs::utc_epoch() + py_refs::timedelta()(py::arg("microseconds") = us);
}

PyObject* key_of(PyObject* o) {
    auto* e = self_of(o);
    return Py_BuildValue("(OOOOOLLiL)", e->type, e->user, e->domain, e->seat, e->session_id,
                         static_cast<long long>(e->timestamp_ns),
                         static_cast<long long>(e->monotonic_ns), static_cast<int>(e->source),
                         static_cast<long long>(e->code));
}

Py_hash_t event_hash(PyObject* o) {
    PyObject* key = key_of(o);
    if (!key) return -1;
    Py_hash_t h = PyObject_Hash(key);
    Py_DECREF(key);
    return h;
}

PyObject* event_richcompare(PyObject* a, PyObject* b, int op) {
    if (!PyObject_TypeCheck(b, g_type) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
    PyObject* ka = key_of(a);
    PyObject* kb = ka ? key_of(b) : nullptr;
    PyObject* r = kb ? PyObject_RichCompare(ka, kb, op) : nullptr;
    Py_XDECREF(ka);
    Py_XDECREF(kb);
    return r;
}

PyObject* event_repr(PyObject* o) {
    return guarded([&] {
        auto* e = self_of(o);
        py::str domain_part = PyUnicode_GetLength(e->domain) == 0
                                  ? py::str("")
                                  : py::str(", domain={!r}").format(py::handle(e->domain));
        py::str code_part = e->code < 0 ? py::str("") : py::str(", code={}").format(e->code);
        if (PyUnicode_GetLength(e->seat) != 0)
            code_part = py::str("{}, seat={!r}").format(code_part, py::handle(e->seat));
        py::object text = py::str("SessionEvent(type=EventType.{}, user={!r}{}, session_id={!r}, "
                                  "timestamp='{}', source='{}'{})")
                              .format(py::handle(e->type).attr("name"), py::handle(e->user),
                                      domain_part, py::handle(e->session_id),
                                      timestamp_of(e).attr("isoformat")(),
                                      std::string(source_info(e->source).name), code_part);
        return text.release().ptr();
    });
}

PyObject* event_reduce(PyObject* o, PyObject*) {
    // Picklable: rebuilt through the checked constructor.
    return guarded([&] {
        auto* e = self_of(o);
        py::object ctor = py::module_::import("functools")
                              .attr("partial")(py::handle(reinterpret_cast<PyObject*>(g_type)),
                                               py::arg("domain") = py::handle(e->domain),
                                               py::arg("seat") = py::handle(e->seat),
                                               py::arg("source") = std::string(source_info(e->source).name),
                                               py::arg("code") = e->code < 0 ? py::object(py::none()) : py::int_(e->code),
                                               py::arg("timestamp_ns") = e->timestamp_ns,
                                               py::arg("monotonic_ns") = e->monotonic_ns);
        py::tuple args = py::make_tuple(py::handle(e->type), py::handle(e->user),
                                        py::handle(e->session_id));
        return py::make_tuple(ctor, args).release().ptr();
    });
}

PyObject* get_type(PyObject* o, void*) { return new_ref(self_of(o)->type); }
PyObject* get_user(PyObject* o, void*) { return new_ref(self_of(o)->user); }
PyObject* get_domain(PyObject* o, void*) { return new_ref(self_of(o)->domain); }
PyObject* get_seat(PyObject* o, void*) { return new_ref(self_of(o)->seat); }
PyObject* get_qualified_user(PyObject* o, void*) {
    auto* e = self_of(o);
    if (PyUnicode_GetLength(e->domain) == 0) return new_ref(e->user);
    return PyUnicode_FromFormat("%U\\%U", e->domain, e->user);
}
PyObject* get_code(PyObject* o, void*) {
    auto* e = self_of(o);
    return e->code < 0 ? new_ref(Py_None) : PyLong_FromLongLong(e->code);
}
PyObject* get_session_id(PyObject* o, void*) { return new_ref(self_of(o)->session_id); }
PyObject* get_timestamp_ns(PyObject* o, void*) {
    return PyLong_FromLongLong(self_of(o)->timestamp_ns);
}
PyObject* get_monotonic_ns(PyObject* o, void*) {
    return PyLong_FromLongLong(self_of(o)->monotonic_ns);
}
PyObject* get_source(PyObject* o, void*) {
    std::string_view q = source_info(self_of(o)->source).name;
    return PyUnicode_FromStringAndSize(q.data(), static_cast<Py_ssize_t>(q.size()));
}
PyObject* get_timestamp(PyObject* o, void*) {
    return guarded([&] { return timestamp_of(self_of(o)).release().ptr(); });
}

PyGetSetDef g_getset[] = {
    {"type", get_type, nullptr, "The EventType.", nullptr},
    {"user", get_user, nullptr, "The account name (may be empty).", nullptr},
    {"domain", get_domain, nullptr,
     "The account's domain, or '' when the source gave none.", nullptr},
    {"seat", get_seat, nullptr, "The logind seat ('seat0'), or '' (Windows, seatless sessions).",
     nullptr},
    {"qualified_user", get_qualified_user, nullptr,
     "'DOMAIN\\user', or the account name alone without a domain: the form SENS "
     "delivers.", nullptr},
    {"code", get_code, nullptr,
     "The WTS session-change code for WTS and service sources (any code, known "
     "or not); None for SENS.", nullptr},
    {"session_id", get_session_id, nullptr,
     "The session id: an int on Windows, logind's own str ('2', 'c1') on Linux; None "
     "for events without one (ISensLogon, sleep, shutdown).", nullptr},
    {"timestamp", get_timestamp, nullptr,
     "When the sink received the event: an aware UTC datetime.", nullptr},
    {"timestamp_ns", get_timestamp_ns, nullptr, "timestamp in nanoseconds since the Unix epoch.",
     nullptr},
    {"monotonic_ns", get_monotonic_ns, nullptr,
     "When the sink received the event, in nanoseconds on the clock of "
     "time.perf_counter_ns() (comparable with it on every platform).", nullptr},
    {"source", get_source, nullptr,
     "The mechanism and method or code that delivered it, e.g. "
     "'ISensLogon2.SessionDisconnect' or 'WTS.SESSION_LOCK'.",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMethodDef g_methods[] = {
    {"__reduce__", event_reduce, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

// time.perf_counter_ns() minus monotonic_now_ns(). They are one clock on
// Linux and on Windows from Python 3.10: the difference is then the cost of
// a call, and 0 is exact. Python 3.9 for Windows counts perf_counter from its
// first use: the difference is measured once, from the narrowest of a few
// bracketing reads (to within a few microseconds).
static std::int64_t perf_counter_offset() {
    py::object perf = py::module_::import("time").attr("perf_counter_ns");
    std::int64_t best_window = INT64_MAX, offset = 0;
    for (int i = 0; i < 16; ++i) {
        const std::int64_t before = monotonic_now_ns();
        const std::int64_t p = perf().cast<std::int64_t>();
        const std::int64_t after = monotonic_now_ns();
        if (after - before < best_window) {
            best_window = after - before;
            offset = p - (before + (after - before) / 2);
        }
    }
    return (offset > -1000000 && offset < 1000000) ? 0 : offset;
}

PyTypeObject* session_event_type() {
    if (g_type) return g_type;
    g_perf_offset = perf_counter_offset();
    PyType_Slot slots[] = {
        {Py_tp_doc,
         const_cast<char*>("SessionEvent(type, user, session_id=None, *, domain='', seat='', "
                           "source=None, code=None, timestamp_ns=None, monotonic_ns=None)\n--\n\n"
                           "One session event, immutable and hashable.")},
        {Py_tp_new, reinterpret_cast<void*>(event_new)},
        {Py_tp_dealloc, reinterpret_cast<void*>(event_dealloc)},
        {Py_tp_repr, reinterpret_cast<void*>(event_repr)},
        {Py_tp_hash, reinterpret_cast<void*>(event_hash)},
        {Py_tp_richcompare, reinterpret_cast<void*>(event_richcompare)},
        {Py_tp_getset, g_getset},
        {Py_tp_methods, g_methods},
        {0, nullptr},
    };
    PyType_Spec spec = {"pysens2.SessionEvent", sizeof(SessionEventObject), 0,
                        Py_TPFLAGS_DEFAULT, slots};
    g_type = reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
    if (!g_type) throw py::error_already_set();
    return g_type;
}

namespace {

// A new reference to `utf8` as a str, reused while consecutive events repeat it.
PyObject* cached_str(const std::string& utf8, StrCache* cache) {
    if (cache && cache->str && cache->utf8 == utf8) return new_ref(cache->str.ptr());
    PyObject* str =
        PyUnicode_DecodeUTF8(utf8.data(), static_cast<Py_ssize_t>(utf8.size()), "surrogateescape");
    if (!str) throw py::error_already_set();
    if (cache) {
        cache->utf8 = utf8;
        cache->str = py::reinterpret_borrow<py::object>(str);
    }
    return str;
}

}  // namespace

py::object to_python(const Event& e, UserCache* cache) {
    py::object user = py::reinterpret_steal<py::object>(cached_str(e.user, cache ? &cache->user : nullptr));
    py::object domain =
        py::reinterpret_steal<py::object>(cached_str(e.domain, cache ? &cache->domain : nullptr));
    py::object seat = py::reinterpret_steal<py::object>(cached_str(e.seat, nullptr));
    PyObject* sid;
    if (!e.has_session) sid = new_ref(Py_None);
    else if (source_info(e.source).session == SessionKind::Name)
        sid = cached_str(e.session_name, nullptr);
    else sid = PyLong_FromUnsignedLong(e.session_id);
    if (!sid) throw py::error_already_set();
    const std::int64_t code = has_code(e.source) ? static_cast<std::int64_t>(e.code) : -1;
    auto* self = alloc_event(py_refs::event_type(e.type()).ptr(), user.ptr(), domain.ptr(),
                             seat.ptr(), sid,
                             e.wall_ns, e.monotonic_ns + g_perf_offset, e.source, code);
    Py_DECREF(sid);
    if (!self) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(self));
}

}  // namespace pysens2
