#include "bindings.hpp"

PYBIND11_MODULE(_native, m) {
    m.doc() = "pysens2's compiled core: the SENS sink, the dispatcher and test hooks. Private: "
              "use the pysens2 package.";
    pysens2::register_errors(m);
    pysens2::bind_event(m);
    pysens2::bind_monitor(m);
    pysens2::bind_state(m);
    pysens2::bind_testing(m);
    pysens2::bind_bench(m);
}
