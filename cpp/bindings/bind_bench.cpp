// _native._bench: native producers for the benchmarks in benchmarks/. Not
// public API. The "floor" is the least any design can pay to run Python
// code from a foreign thread: PyGILState_Ensure + call + release per event.
#include <pybind11/pybind11.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "bindings.hpp"
#include "com/bstr.hpp"
#include "com/sink.hpp"
#include "producers.hpp"
#include "native_monitor.hpp"
#include "py_event.hpp"

namespace pysens2 {

namespace {

using Clock = std::chrono::steady_clock;

// The shape of an ISensLogon2 method, as a ctypes thunk implements it.
using ThunkFn = HRESULT (*)(void* self, BSTR user, std::uint32_t session);

}  // namespace

void bind_bench(py::module_& m) {
    py::module_ b = m.def_submodule("_bench", "Native producers for benchmarks/ (not public API).");

    b.def("floor",
          [](py::object fn, std::size_t count, std::size_t threads, bool keep_thread_state) {
              PyObject* callable = fn.ptr();
              return run_producers(threads, [&](std::size_t) {
                  // Keeping one thread state for the thread's life makes each
                  // Ensure/Release below a bare GIL acquire/release; without
                  // it CPython creates and destroys a thread state per call.
                  PyGILState_STATE outer{};
                  PyThreadState* saved = nullptr;
                  if (keep_thread_state) {
                      outer = PyGILState_Ensure();
                      saved = PyEval_SaveThread();
                  }
                  for (std::size_t i = 0; i < count; ++i) {
                      PyGILState_STATE g = PyGILState_Ensure();
                      PyObject* r = PyObject_CallOneArg(callable, Py_None);
                      if (r) Py_DECREF(r);
                      else PyErr_Clear();
                      PyGILState_Release(g);
                  }
                  if (keep_thread_state) {
                      PyEval_RestoreThread(saved);
                      PyGILState_Release(outer);
                  }
              });
          },
          py::arg("fn"), py::arg("count"), py::arg("threads"), py::arg("keep_thread_state") = true,
          "Each native thread calls fn(None) `count` times, taking the GIL per call. Seconds.");

    b.def("fire",
          [](NativeMonitor& mon, int source, std::size_t count, std::size_t threads, double rate_hz) {
              SinkPair sinks = sinks_of(mon);
              return fire_from_threads(sinks, checked_source(source), &call_vtable, threads,
                                       count, rate_hz);
          },
          py::arg("monitor"), py::arg("source"), py::arg("count"), py::arg("threads"),
          py::arg("rate_hz") = 0.0,
          "Fires `count` events per thread through the sink's vtable (paced if rate_hz > 0).");

    b.def("convert",
          [](std::size_t count) {
              // Cost of turning native events into SessionEvent objects.
              Event e;
              e.source = Source::Logon2_SessionDisconnect;
              e.has_session = true;
              e.user = "producer-0";
              auto t0 = Clock::now();
              for (std::size_t i = 0; i < count; ++i) {
                  e.session_id = static_cast<std::uint32_t>(i);
                  py::object o = to_python(e);
              }
              return std::chrono::duration<double>(Clock::now() - t0).count();
          },
          py::arg("count"), "Seconds to build and free `count` SessionEvent objects.");

    b.def("clock_cost",
          [](std::size_t count) {
              // One monotonic clock read, in ns: the timing stats pay two per callback.
              std::int64_t sink = 0;
              auto t0 = Clock::now();
              for (std::size_t i = 0; i < count; ++i) sink += monotonic_now_ns();
              double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
              return sink == 42 ? 0.0 : ns / static_cast<double>(count);
          },
          py::arg("count"));

    b.def("call_thunk",
          [](std::uintptr_t address, std::size_t count, std::size_t threads, double rate_hz) {
              auto fn = reinterpret_cast<ThunkFn>(address);
              return run_producers(threads, [&](std::size_t t) {
                  Bstr user = producer_name(t);
                  auto start = Clock::now();
                  for (std::size_t i = 0; i < count; ++i) {
                      pace(start, i, rate_hz);
                      fn(nullptr, user.get(), static_cast<std::uint32_t>(i));
                  }
              });
          },
          py::arg("address"), py::arg("count"), py::arg("threads"), py::arg("rate_hz") = 0.0,
          "Calls a C function pointer (a ctypes thunk) like a COM method from native threads.");
}

}  // namespace pysens2
