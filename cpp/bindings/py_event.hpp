// SessionEvent: the immutable Python object each event becomes.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>

#include "core/event.hpp"

namespace pysens2 {

namespace py = pybind11;

struct SessionEvent {
    py::object type;        // pysens2.EventType member
    py::object user;        // str
    py::object session_id;  // int, or None for ISensLogon events
    std::int64_t timestamp_ns;
    std::int64_t monotonic_ns;
    Source source;
};

// Builds the Python SessionEvent for a native event (GIL held).
py::object to_python(const Event& e);

}  // namespace pysens2
