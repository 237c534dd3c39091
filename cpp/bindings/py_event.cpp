#include "py_event.hpp"

#include "python_refs.hpp"

namespace pysens2 {

py::object to_python(const Event& e) {
    PyObject* user = PyUnicode_DecodeUTF8(e.user.data(), static_cast<Py_ssize_t>(e.user.size()),
                                          "surrogateescape");
    if (!user) throw py::error_already_set();
    SessionEvent s{py_refs::event_type(e.type()), py::reinterpret_steal<py::object>(user),
                   e.has_session ? py::int_(e.session_id) : py::object(py::none()), e.wall_ns,
                   e.monotonic_ns, e.source};
    return py::cast(std::move(s));
}

}  // namespace pysens2
