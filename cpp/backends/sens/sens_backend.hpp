#pragma once

#include <memory>

#include "core/backend.hpp"

namespace pysens2 {

// SENS through the COM+ Event System, on the monitor's own apartment thread.
std::unique_ptr<Backend> make_sens_backend();

}  // namespace pysens2
