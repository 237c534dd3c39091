#include "py_event.hpp"

#include <structmember.h>

#include <cstdint>
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

SessionEventObject* alloc_event(PyObject* type, PyObject* user, PyObject* session_id,
                                std::int64_t timestamp_ns, std::int64_t monotonic_ns,
                                Source source) {
    auto* self = PyObject_New(SessionEventObject, g_type);
    if (!self) return nullptr;
    Py_INCREF(type);
    Py_INCREF(user);
    Py_INCREF(session_id);
    self->type = type;
    self->user = user;
    self->session_id = session_id;
    self->timestamp_ns = timestamp_ns;
    self->monotonic_ns = monotonic_ns;
    self->source = source;
    return self;
}

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

std::int64_t optional_ns(PyObject* value, const char* name, std::int64_t fallback) {
    if (!value || value == Py_None) return fallback;
    if (!PyLong_Check(value) || PyBool_Check(value))
        throw py::type_error(std::string(name) + " must be an int (nanoseconds) or None");
    long long v = PyLong_AsLongLong(value);
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return v;
}

// SessionEvent(type, user, session_id=None, *, source=None, timestamp_ns=None, monotonic_ns=None)
PyObject* make(PyObject* type_arg, PyObject* user, PyObject* session_id, PyObject* source_arg,
               PyObject* timestamp_arg, PyObject* monotonic_arg) {
    py::object member = py_refs::parse_event_type()(py::handle(type_arg));
    EventType t = type_of(member);
    if (!PyUnicode_Check(user))
        throw py::type_error(std::string("user must be a str, not ") + Py_TYPE(user)->tp_name);
    if (!session_id) session_id = Py_None;
    const bool has_session = session_id != Py_None;
    if (has_session) {
        if (!PyLong_Check(session_id) || PyBool_Check(session_id))
            throw py::type_error("session_id must be an int or None");
        py::handle sid(session_id);
        if (sid < py::int_(0) || sid > py::int_(4294967295ull))
            throw py::value_error("session_id must be between 0 and 4294967295, got " +
                                  std::string(py::str(sid)));
    }
    Source s;
    if (source_arg && source_arg != Py_None) {
        if (!PyUnicode_Check(source_arg)) throw py::type_error("source must be a str or None");
        s = source_named(py::str(source_arg));
    } else {
        s = source_for(t, has_session);
    }
    const SourceInfo& info = source_info(s);
    if (info.type != t)
        throw py::value_error("source '" + std::string(info.qualified) + "' delivers " +
                              std::string(kEventTypeNames[static_cast<int>(info.type)]) +
                              ", not " + std::string(kEventTypeNames[static_cast<int>(t)]));
    if ((info.iface == SensInterface::Logon2) != has_session)
        throw py::value_error(has_session ? "ISensLogon events carry no session id; pass "
                                            "session_id=None"
                                          : "ISensLogon2 events carry a session id");
    PyObject* sid = has_session ? PyNumber_Index(session_id) : new_ref(Py_None);
    if (!sid) throw py::error_already_set();
    auto* self = alloc_event(member.ptr(), user, sid, optional_ns(timestamp_arg, "timestamp_ns", wall_now_ns()),
                             optional_ns(monotonic_arg, "monotonic_ns", monotonic_now_ns() + g_perf_offset), s);
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
    static const char* names[] = {"type", "user", "session_id", "source", "timestamp_ns",
                                  "monotonic_ns", nullptr};
    PyObject *type = nullptr, *user = nullptr, *sid = nullptr, *source = nullptr,
             *ts = nullptr, *mono = nullptr;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O$OOO:SessionEvent",
                                     const_cast<char**>(names), &type, &user, &sid, &source, &ts,
                                     &mono))
        return nullptr;
    return guarded([&] { return make(type, user, sid, source, ts, mono); });
}

void event_dealloc(PyObject* o) {
    auto* self = self_of(o);
    Py_XDECREF(self->type);
    Py_XDECREF(self->user);
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
    return Py_BuildValue("(OOOLLi)", e->type, e->user, e->session_id,
                         static_cast<long long>(e->timestamp_ns),
                         static_cast<long long>(e->monotonic_ns), static_cast<int>(e->source));
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
        py::object text = py::str("SessionEvent(type=EventType.{}, user={!r}, session_id={!r}, "
                                  "timestamp='{}', source='{}')")
                              .format(py::handle(e->type).attr("name"), py::handle(e->user),
                                      py::handle(e->session_id),
                                      timestamp_of(e).attr("isoformat")(),
                                      std::string(source_info(e->source).qualified));
        return text.release().ptr();
    });
}

PyObject* event_reduce(PyObject* o, PyObject*) {
    // Picklable: rebuilt through the checked constructor.
    return guarded([&] {
        auto* e = self_of(o);
        py::object ctor = py::module_::import("functools")
                              .attr("partial")(py::handle(reinterpret_cast<PyObject*>(g_type)),
                                               py::arg("source") = std::string(source_info(e->source).qualified),
                                               py::arg("timestamp_ns") = e->timestamp_ns,
                                               py::arg("monotonic_ns") = e->monotonic_ns);
        py::tuple args = py::make_tuple(py::handle(e->type), py::handle(e->user),
                                        py::handle(e->session_id));
        return py::make_tuple(ctor, args).release().ptr();
    });
}

PyObject* get_type(PyObject* o, void*) { return new_ref(self_of(o)->type); }
PyObject* get_user(PyObject* o, void*) { return new_ref(self_of(o)->user); }
PyObject* get_session_id(PyObject* o, void*) { return new_ref(self_of(o)->session_id); }
PyObject* get_timestamp_ns(PyObject* o, void*) {
    return PyLong_FromLongLong(self_of(o)->timestamp_ns);
}
PyObject* get_monotonic_ns(PyObject* o, void*) {
    return PyLong_FromLongLong(self_of(o)->monotonic_ns);
}
PyObject* get_source(PyObject* o, void*) {
    std::string_view q = source_info(self_of(o)->source).qualified;
    return PyUnicode_FromStringAndSize(q.data(), static_cast<Py_ssize_t>(q.size()));
}
PyObject* get_timestamp(PyObject* o, void*) {
    return guarded([&] { return timestamp_of(self_of(o)).release().ptr(); });
}

PyGetSetDef g_getset[] = {
    {"type", get_type, nullptr, "The EventType.", nullptr},
    {"user", get_user, nullptr, "The user name (may be empty).", nullptr},
    {"session_id", get_session_id, nullptr,
     "The session id, or None for ISensLogon events, which carry none.", nullptr},
    {"timestamp", get_timestamp, nullptr,
     "When the sink received the event: an aware UTC datetime.", nullptr},
    {"timestamp_ns", get_timestamp_ns, nullptr, "timestamp in nanoseconds since the Unix epoch.",
     nullptr},
    {"monotonic_ns", get_monotonic_ns, nullptr,
     "When the sink received the event, in nanoseconds on the clock of "
     "time.perf_counter_ns() (comparable with it on every platform).", nullptr},
    {"source", get_source, nullptr,
     "The interface and method that delivered it, e.g. 'ISensLogon2.SessionDisconnect'.",
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
         const_cast<char*>("SessionEvent(type, user, session_id=None, *, source=None, "
                           "timestamp_ns=None, monotonic_ns=None)\n--\n\n"
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

py::object to_python(const Event& e, UserCache* cache) {
    PyObject* user;
    if (cache && cache->str && cache->utf8 == e.user) {
        user = new_ref(cache->str.ptr());
    } else {
        user = PyUnicode_DecodeUTF8(e.user.data(), static_cast<Py_ssize_t>(e.user.size()),
                                    "surrogateescape");
        if (!user) throw py::error_already_set();
        if (cache) {
            cache->utf8 = e.user;
            cache->str = py::reinterpret_borrow<py::object>(user);
        }
    }
    PyObject* sid = e.has_session ? PyLong_FromUnsignedLong(e.session_id) : new_ref(Py_None);
    if (!sid) {
        Py_DECREF(user);
        throw py::error_already_set();
    }
    auto* self = alloc_event(py_refs::event_type(e.type()).ptr(), user, sid, e.wall_ns,
                             e.monotonic_ns + g_perf_offset, e.source);
    Py_DECREF(user);
    Py_DECREF(sid);
    if (!self) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(self));
}

}  // namespace pysens2
