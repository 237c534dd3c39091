#include "python_refs.hpp"

#include <array>
#include <string>

namespace pysens2::py_refs {
namespace {

using Members = std::array<py::object, kEventTypeCount>;

const Members& members() {
    PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<Members> storage;
    return storage
        .call_once_and_store_result([] {
            py::object cls = py::module_::import("pysens2._types").attr("EventType");
            Members m;
            for (std::size_t i = 0; i < kEventTypeCount; ++i) {
                std::string name(kEventTypeNames[i]);
                m[i] = cls.attr(name.c_str());
            }
            return m;
        })
        .get_stored();
}

}  // namespace

const py::object& event_type(EventType t) { return members()[static_cast<std::size_t>(t)]; }

const py::object& parse_event_type() {
    PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
    return storage
        .call_once_and_store_result(
            [] { return py::module_::import("pysens2._types").attr("parse_event_type"); })
        .get_stored();
}

py::object error_class(const char* name) {
    return py::module_::import("pysens2._errors").attr(name);
}

const py::object& utc_epoch() {
    PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
    return storage
        .call_once_and_store_result([] {
            py::module_ dt = py::module_::import("datetime");
            return dt.attr("datetime")(1970, 1, 1, py::arg("tzinfo") = dt.attr("timezone").attr("utc"));
        })
        .get_stored();
}

const py::object& timedelta() {
    PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
    return storage
        .call_once_and_store_result([] { return py::module_::import("datetime").attr("timedelta"); })
        .get_stored();
}

}  // namespace pysens2::py_refs
