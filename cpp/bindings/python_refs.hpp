// Python objects the module looks up once, on first use: the EventType
// members and the exception classes live in pure-Python modules of pysens2.
#pragma once

#include <pybind11/pybind11.h>

#include "core/event_types.hpp"

namespace pysens2::py_refs {

namespace py = pybind11;

// EventType members in native order (checked against kEventTypeNames).
const py::object& event_type(EventType t);
// pysens2._types.parse_event_type: member or name -> member, or raises.
const py::object& parse_event_type();
// An exception class from pysens2._errors.
py::object error_class(const char* name);
// datetime(1970, 1, 1, tzinfo=timezone.utc) and datetime.timedelta.
const py::object& utc_epoch();
const py::object& timedelta();

}  // namespace pysens2::py_refs
