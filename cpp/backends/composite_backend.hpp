// Several sources behind one monitor, each event type from exactly one of
// them (backend="auto" on Windows: SENS and WTS). Only the sources that the
// requested types need are started.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/backend.hpp"

namespace pysens2 {

struct SourceAssignment {
    std::unique_ptr<Backend> backend;
    EventMask types;  // what this source delivers here (within its supported())
};

std::unique_ptr<Backend> make_composite_backend(std::string name,
                                                std::vector<SourceAssignment> sources);

}  // namespace pysens2
