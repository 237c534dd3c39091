// COM types for the sink: the Windows SDK on Windows, com_abi.hpp elsewhere.
#pragma once

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <oleauto.h>
#include <sensevts.h>
#else
#include "com_abi.hpp"
#endif

#include <string>

namespace pysens2 {

// The sink works in UTF-16 code units whatever OLECHAR is (wchar_t on Windows).
static_assert(sizeof(OLECHAR) == sizeof(char16_t), "OLECHAR must be a UTF-16 code unit");
inline const char16_t* as_utf16(const OLECHAR* s) { return reinterpret_cast<const char16_t*>(s); }

// "{D597BAB4-5B9F-11D1-8DD2-00AA004ABD5E}"
std::string guid_to_string(const GUID& g);
// Parses that form (braces optional, any case); false if malformed.
bool guid_from_string(const std::string& text, GUID& out);

}  // namespace pysens2
