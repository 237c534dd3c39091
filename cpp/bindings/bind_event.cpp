// Adds the SessionEvent type (py_event.cpp) to the module.
#include "bindings.hpp"
#include "py_event.hpp"

namespace pysens2 {

void bind_event(py::module_& m) {
    PyTypeObject* type = session_event_type();
    m.attr("SessionEvent") = py::handle(reinterpret_cast<PyObject*>(type));
}

}  // namespace pysens2
