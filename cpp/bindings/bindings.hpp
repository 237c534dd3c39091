// One function per bound area; module.cpp calls them in order.
#pragma once

#include <pybind11/pybind11.h>

namespace pysens2 {

void register_errors(pybind11::module_& m);
void bind_event(pybind11::module_& m);
void bind_monitor(pybind11::module_& m);
void bind_state(pybind11::module_& m);
void bind_testing(pybind11::module_& m);
void bind_bench(pybind11::module_& m);

}  // namespace pysens2
