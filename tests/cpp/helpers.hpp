// Small RAII helpers for driving the sink as a COM caller would.
#pragma once

#include <string>
#include <vector>

#include "com/bstr.hpp"

namespace test {

// Built from UTF-16 literals whatever OLECHAR is.
class Bstr : public pysens2::Bstr {
public:
    explicit Bstr(const std::u16string& s)
        : pysens2::Bstr(reinterpret_cast<const OLECHAR*>(s.data()), s.size()) {}
};

inline VARIANT bstr_variant(BSTR b) {
    VARIANT v;
    VariantInit(&v);
    v.vt = VT_BSTR;
    v.bstrVal = b;
    return v;
}

inline VARIANT int_variant(VARTYPE vt, long long value) {
    VARIANT v;
    VariantInit(&v);
    v.vt = vt;
    v.llVal = value;  // the low bytes are what narrower types read
    return v;
}

inline VARIANT double_variant(VARTYPE vt, double value) {
    VARIANT v;
    VariantInit(&v);
    v.vt = vt;
    if (vt == VT_R4) v.fltVal = static_cast<float>(value);
    else v.dblVal = value;
    return v;
}

inline DISPPARAMS params(std::vector<VARIANT>& args) {
    return DISPPARAMS{args.data(), nullptr, static_cast<UINT>(args.size()), 0};
}

}  // namespace test
