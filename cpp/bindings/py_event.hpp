// SessionEvent: the immutable Python object each event becomes. A plain
// CPython type rather than a pybind11 class: the dispatcher makes one per
// event, and a pybind11 instance costs several times more to create.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "core/event.hpp"

namespace pysens2 {

namespace py = pybind11;

struct SessionEventObject {
    PyObject_HEAD
    PyObject* type;        // pysens2.EventType member
    PyObject* user;        // str: the account name
    PyObject* domain;      // str, "" when the source gave none
    PyObject* seat;        // str, "" when none
    PyObject* session_id;  // int (Windows), str (logind), or None
    std::int64_t timestamp_ns;
    std::int64_t monotonic_ns;
    std::int64_t code;     // the WTS code for WTS and service sources, else -1
    Source source;
};

// Creates the type (once) and returns it; bind_event adds it to the module.
PyTypeObject* session_event_type();

// The last string converted, reused while consecutive events share it.
struct StrCache {
    std::string utf8;
    py::object str;
};
struct UserCache {
    StrCache user, domain;
};

// Builds the Python SessionEvent for a native event (GIL held).
py::object to_python(const Event& e, UserCache* cache = nullptr);

}  // namespace pysens2
