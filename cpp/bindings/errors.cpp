// C++ exceptions -> pysens2's Python exception classes (defined in _errors.py
// so they are plain, typed Python classes).
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "core/errors.hpp"
#include "python_refs.hpp"

namespace pysens2 {

namespace py = pybind11;

static void raise(const char* cls_name, py::tuple args) {
    py::object cls = py_refs::error_class(cls_name);
    py::object exc = cls(*args);
    PyErr_SetObject(cls.ptr(), exc.ptr());
}

void register_errors(py::module_&) {
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const BackendUnavailable& e) {
            raise("BackendUnavailableError", py::make_tuple(e.what()));
        } catch (const ComError& e) {
            raise("ComError", py::make_tuple(e.what(), e.hresult(), e.system_message()));
        } catch (const ForkedMonitor& e) {
            raise("Error", py::make_tuple(e.what()));
        } catch (const MonitorStopped& e) {
            raise("MonitorStopped", py::make_tuple(e.what()));
        } catch (const StateError& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });
}

}  // namespace pysens2
