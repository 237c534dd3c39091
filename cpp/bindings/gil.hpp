// Runs native code with the GIL released. Unlike py::gil_scoped_release,
// the GIL is taken back in ordinary code rather than in a noexcept
// destructor: a daemon thread that wakes during interpreter finalization is
// ended by CPython with a forced unwind, which must not pass a noexcept frame.
#pragma once

#include <Python.h>

#include <type_traits>
#include <utility>

#include "core/forced_unwind.hpp"

namespace pysens2 {

template <class Fn>
PYSENS2_CATCHES_FORCED_UNWIND decltype(auto) without_gil(Fn&& fn) {
    PyThreadState* state = PyEval_SaveThread();
    try {
        if constexpr (std::is_void_v<decltype(fn())>) {
            std::forward<Fn>(fn)();
            PyEval_RestoreThread(state);
        } else {
            auto result = std::forward<Fn>(fn)();
            PyEval_RestoreThread(state);
            return result;
        }
    }
    PYSENS2_RETHROW_FORCED_UNWIND
    catch (...) {
        PyEval_RestoreThread(state);
        throw;
    }
}

}  // namespace pysens2
