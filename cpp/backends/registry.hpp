// The list of backends and the choice among them (the core knows none).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/backend.hpp"

namespace pysens2 {

struct BackendStatus {
    std::string name;
    bool available;
    std::string reason;  // why it is unavailable, or what it is
    EventMask supported;  // what it can deliver (where available)
};

// Every backend this build knows, available here or not.
std::vector<BackendStatus> backend_statuses();

// "auto" picks the platform's real backend. Throws BackendUnavailable with
// the reason for a backend this platform or build lacks, std::invalid_argument
// for an unknown name.
std::unique_ptr<Backend> make_backend(const std::string& name);

}  // namespace pysens2
