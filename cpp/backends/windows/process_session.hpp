// The Remote Desktop session a process runs in.
#pragma once

#include <cstdint>

namespace pysens2 {

// Throws ComError naming the failure: it must never quietly mean session 0
// (the services' session).
std::uint32_t session_of_process(std::uint32_t pid);
std::uint32_t own_session_id();

}  // namespace pysens2
