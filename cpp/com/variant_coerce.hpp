// Coercion of Invoke arguments to the SENS parameter types, following
// VariantChangeType's rules (no locale, no VARIANT_ALPHABOOL). The sink
// decides this itself so it behaves the same on Windows, Wine and Linux.
#pragma once

#include <cstdint>
#include <string>

#include "com_platform.hpp"

namespace pysens2 {

// To VT_UI4. Returns S_OK, DISP_E_OVERFLOW (out of range, never wrapped),
// DISP_E_TYPEMISMATCH (no conversion) or DISP_E_BADVARTYPE (not a VARTYPE).
HRESULT coerce_to_ui4(const VARIANT& v, std::uint32_t& out);

// To VT_BSTR, delivered as UTF-8. A NULL BSTR and VT_EMPTY are "".
HRESULT coerce_to_utf8(const VARIANT& v, std::string& out);

}  // namespace pysens2
