#include "variant_coerce.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "../core/utf16.hpp"

namespace pysens2 {
namespace {

constexpr double kUI4Max = 4294967295.0;

bool known_base_type(VARTYPE t) {
    return t <= VT_DECIMAL || (t >= VT_I1 && t <= VT_UINT) || t == VT_RECORD;
}

// Follows one level of VT_BYREF (and VT_VARIANT|VT_BYREF) into a plain value.
HRESULT deref(const VARIANT& in, VARIANT& out) {
    const VARTYPE base = in.vt & VT_TYPEMASK;
    if (in.vt & ~(VT_TYPEMASK | VT_BYREF | VT_ARRAY)) return DISP_E_BADVARTYPE;
    if (!known_base_type(base)) return DISP_E_BADVARTYPE;
    if (in.vt & VT_ARRAY) return DISP_E_TYPEMISMATCH;
    if (!(in.vt & VT_BYREF)) {
        out = in;
        return S_OK;
    }
    if (!in.byref) return E_INVALIDARG;
    if (base == VT_VARIANT) {
        const VARIANT& inner = *in.pvarVal;
        if (inner.vt & VT_BYREF) return DISP_E_TYPEMISMATCH;  // oleaut32 stops at one level
        return deref(inner, out);
    }
    VariantInit(&out);
    out.vt = base;
    switch (base) {
        case VT_I1: out.cVal = *in.pcVal; break;
        case VT_UI1: out.bVal = *in.pbVal; break;
        case VT_I2: out.iVal = *in.piVal; break;
        case VT_UI2: out.uiVal = *in.puiVal; break;
        case VT_I4: out.lVal = *in.plVal; break;
        case VT_UI4: out.ulVal = *in.pulVal; break;
        case VT_INT: out.intVal = *in.pintVal; break;
        case VT_UINT: out.uintVal = *in.puintVal; break;
        case VT_I8: out.llVal = *in.pllVal; break;
        case VT_UI8: out.ullVal = *in.pullVal; break;
        case VT_R4: out.fltVal = *in.pfltVal; break;
        case VT_R8: out.dblVal = *in.pdblVal; break;
        case VT_DATE: out.date = *in.pdate; break;
        case VT_BOOL: out.boolVal = *in.pboolVal; break;
        case VT_CY: out.cyVal = *in.pcyVal; break;
        case VT_BSTR: out.bstrVal = *in.pbstrVal; break;
        case VT_DECIMAL: {
            DECIMAL d = *in.pdecVal;
            out.decVal = d;
            out.vt = VT_DECIMAL;
            break;
        }
        default: return DISP_E_TYPEMISMATCH;
    }
    return S_OK;
}

HRESULT from_double(double x, std::uint32_t& out) {
    if (std::isnan(x)) return DISP_E_OVERFLOW;
    // Half to even, as oleaut32 rounds (the default floating-point mode).
    double r = std::nearbyint(x);
    if (r < 0.0 || r > kUI4Max) return DISP_E_OVERFLOW;
    out = static_cast<std::uint32_t>(r);
    return S_OK;
}

HRESULT from_signed(std::int64_t x, std::uint32_t& out) {
    if (x < 0 || x > static_cast<std::int64_t>(kUI4Max)) return DISP_E_OVERFLOW;
    out = static_cast<std::uint32_t>(x);
    return S_OK;
}

HRESULT from_unsigned(std::uint64_t x, std::uint32_t& out) {
    if (x > 0xFFFFFFFFull) return DISP_E_OVERFLOW;
    out = static_cast<std::uint32_t>(x);
    return S_OK;
}

// Divides a 96-bit magnitude by ten in place; returns the remainder.
unsigned div10(std::uint32_t limbs[3]) {
    std::uint64_t rem = 0;
    for (int i = 2; i >= 0; --i) {
        std::uint64_t cur = (rem << 32) | limbs[i];
        limbs[i] = static_cast<std::uint32_t>(cur / 10);
        rem = cur % 10;
    }
    return static_cast<unsigned>(rem);
}

HRESULT from_decimal(const DECIMAL& d, std::uint32_t& out) {
    if (d.scale > 28) return E_INVALIDARG;
    std::uint32_t limbs[3] = {static_cast<std::uint32_t>(d.Lo64),
                              static_cast<std::uint32_t>(d.Lo64 >> 32), d.Hi32};
    unsigned last = 0;
    bool sticky = false;  // any non-zero digit below `last`
    for (int i = 0; i < d.scale; ++i) {
        sticky = sticky || last != 0;
        last = div10(limbs);
    }
    if (limbs[2] || limbs[1]) return DISP_E_OVERFLOW;
    std::uint64_t q = limbs[0];
    if (last > 5 || (last == 5 && (sticky || (q & 1)))) ++q;
    bool negative = (d.sign & DECIMAL_NEG) != 0;
    if (negative && q != 0) return DISP_E_OVERFLOW;
    return from_unsigned(q, out);
}

HRESULT from_cy(std::int64_t units, std::uint32_t& out) {
    // Currency is a fixed-point number with four decimals.
    std::int64_t q = units / 10000;
    std::int64_t r = units % 10000;
    if (r < 0) {
        r += 10000;
        q -= 1;
    }
    if (r > 5000 || (r == 5000 && (q & 1))) ++q;
    return from_signed(q, out);
}

HRESULT parse_number(BSTR s, double& value) {
    if (!s) return DISP_E_TYPEMISMATCH;
    const UINT len = SysStringLen(s);
    std::string ascii;
    for (UINT i = 0; i < len; ++i) {
        char16_t c = static_cast<char16_t>(s[i]);
        if (c == 0 || c > 0x7F) return DISP_E_TYPEMISMATCH;
        ascii.push_back(static_cast<char>(c));
    }
    const char* begin = ascii.c_str();
    while (*begin == ' ' || *begin == '\t') ++begin;
    if (!*begin) return DISP_E_TYPEMISMATCH;
    // strtod also reads hex floats, "inf" and "nan", which oleaut32 does not.
    for (const char* p = begin; *p; ++p) {
        char c = *p;
        bool ok = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' ||
                  c == 'E' || c == ' ' || c == '\t';
        if (!ok) return DISP_E_TYPEMISMATCH;
    }
    // std::from_chars, unlike strtod, ignores LC_NUMERIC (a host program's
    // setlocale() into a comma-decimal locale must not change the sink).
    const char* last = begin + std::strlen(begin);
    const char* digits = begin;
    if (*digits == '+' && digits[1] != '-' && digits[1] != '+') ++digits;  // from_chars takes no '+'
    auto [end, ec] = std::from_chars(digits, last, value, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
        // As strtod: beyond the range is +-HUGE_VAL, below it is zero.
        const char* exp = std::find_if(digits, end, [](char c) { return c == 'e' || c == 'E'; });
        const bool tiny = exp != end && exp[1] == '-';
        const bool negative = *digits == '-';
        value = tiny ? 0.0 : (negative ? -HUGE_VAL : HUGE_VAL);
    } else if (ec != std::errc()) {
        return DISP_E_TYPEMISMATCH;
    }
    while (*end == ' ' || *end == '\t') ++end;
    if (end == digits || *end) return DISP_E_TYPEMISMATCH;
    return S_OK;
}

// printf's "%.*G", without the locale: std::to_chars in general format, with
// the exponent and INF/NAN upper-cased as %G writes them.
std::string format_double(double x, int digits) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, digits);
    if (ec != std::errc()) return std::string();
    std::string out(buf, end);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

HRESULT coerce_to_ui4(const VARIANT& in, std::uint32_t& out) {
    VARIANT v;
    HRESULT hr = deref(in, v);
    if (FAILED(hr)) return hr;
    switch (v.vt) {
        case VT_EMPTY: out = 0; return S_OK;
        case VT_I1: return from_signed(static_cast<signed char>(v.cVal), out);
        case VT_I2: return from_signed(v.iVal, out);
        case VT_I4: return from_signed(v.lVal, out);
        case VT_INT: return from_signed(v.intVal, out);
        case VT_I8: return from_signed(v.llVal, out);
        case VT_UI1: return from_unsigned(v.bVal, out);
        case VT_UI2: return from_unsigned(v.uiVal, out);
        case VT_UI4: return from_unsigned(v.ulVal, out);
        case VT_UINT: return from_unsigned(v.uintVal, out);
        case VT_UI8: return from_unsigned(v.ullVal, out);
        case VT_R4: return from_double(v.fltVal, out);
        case VT_R8: return from_double(v.dblVal, out);
        case VT_DATE: return from_double(v.date, out);
        // oleaut32 copies the bits: VARIANT_TRUE (-1) becomes 0xFFFFFFFF.
        case VT_BOOL: out = static_cast<std::uint32_t>(static_cast<std::int32_t>(v.boolVal)); return S_OK;
        case VT_CY: return from_cy(v.cyVal.int64, out);
        case VT_DECIMAL: return from_decimal(v.decVal, out);
        case VT_BSTR: {
            double d = 0;
            hr = parse_number(v.bstrVal, d);
            return FAILED(hr) ? hr : from_double(d, out);
        }
        default: return DISP_E_TYPEMISMATCH;
    }
}

HRESULT coerce_to_utf8(const VARIANT& in, std::string& out) {
    VARIANT v;
    HRESULT hr = deref(in, v);
    if (FAILED(hr)) return hr;
    out.clear();
    switch (v.vt) {
        case VT_EMPTY: return S_OK;
        case VT_BSTR:
            if (v.bstrVal) append_utf8(out, as_utf16(v.bstrVal), SysStringLen(v.bstrVal));
            return S_OK;
        case VT_I1: out = std::to_string(static_cast<signed char>(v.cVal)); return S_OK;
        case VT_I2: out = std::to_string(v.iVal); return S_OK;
        case VT_I4: out = std::to_string(v.lVal); return S_OK;
        case VT_INT: out = std::to_string(v.intVal); return S_OK;
        case VT_I8: out = std::to_string(v.llVal); return S_OK;
        case VT_UI1: out = std::to_string(v.bVal); return S_OK;
        case VT_UI2: out = std::to_string(v.uiVal); return S_OK;
        case VT_UI4: out = std::to_string(v.ulVal); return S_OK;
        case VT_UINT: out = std::to_string(v.uintVal); return S_OK;
        case VT_UI8: out = std::to_string(v.ullVal); return S_OK;
        case VT_BOOL: out = v.boolVal ? "-1" : "0"; return S_OK;
        case VT_R4: out = format_double(v.fltVal, 7); return S_OK;
        case VT_R8: out = format_double(v.dblVal, 15); return S_OK;
        default: return DISP_E_TYPEMISMATCH;
    }
}

}  // namespace pysens2
