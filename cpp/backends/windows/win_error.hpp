// Text for Windows error codes, shared by every Windows backend.
#pragma once

#include "com/com_platform.hpp"

#include <string>

namespace pysens2 {

// "0x80040154" for an HRESULT, and what the system says of it (may be empty).
std::string hresult_hex(HRESULT hr);
std::string system_message(HRESULT hr);
// The HRESULT of GetLastError(), for a Win32 call that just failed.
inline HRESULT last_error_hresult() { return HRESULT_FROM_WIN32(GetLastError()); }

}  // namespace pysens2
