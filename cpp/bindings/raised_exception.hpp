// The current Python exception as one object, on every supported version
// (PyErr_Fetch is deprecated from 3.12, its replacement is new in 3.12).
// Raw references on purpose: the dispatcher holds them across calls that may
// end its thread with a forced unwind, which must leak them, not decref them
// without the GIL.
#pragma once

#include <Python.h>

namespace pysens2 {

// Takes the raised exception (normalized, traceback attached): a new
// reference, or nullptr if none is set. GIL held.
inline PyObject* take_raised_exception() {
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value && traceback) PyException_SetTraceback(value, traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
    return value;
#endif
}

// Raises `exc` again, stealing the reference. GIL held.
inline void restore_raised_exception(PyObject* exc) {
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    PyObject* type = reinterpret_cast<PyObject*>(Py_TYPE(exc));
    Py_INCREF(type);
    PyErr_Restore(type, exc, PyException_GetTraceback(exc));
#endif
}

}  // namespace pysens2
