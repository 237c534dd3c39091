#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "com/variant_coerce.hpp"
#include "helpers.hpp"

using namespace pysens2;
using test::double_variant;
using test::int_variant;

static HRESULT ui4(const VARIANT& v, std::uint32_t& out) { return coerce_to_ui4(v, out); }

TEST_CASE("integers convert to UI4 in range and overflow outside it") {
    std::uint32_t out = 0;
    CHECK(ui4(int_variant(VT_I4, 0), out) == S_OK);
    CHECK(out == 0);
    CHECK(ui4(int_variant(VT_UI4, 0xFFFFFFFF), out) == S_OK);
    CHECK(out == 0xFFFFFFFFu);
    CHECK(ui4(int_variant(VT_I8, 0xFFFFFFFFll), out) == S_OK);
    CHECK(ui4(int_variant(VT_I4, -1), out) == DISP_E_OVERFLOW);  // not wrapped
    CHECK(ui4(int_variant(VT_I2, -1), out) == DISP_E_OVERFLOW);
    CHECK(ui4(int_variant(VT_I1, -1), out) == DISP_E_OVERFLOW);
    CHECK(ui4(int_variant(VT_I8, 0x100000000ll), out) == DISP_E_OVERFLOW);
    CHECK(ui4(int_variant(VT_UI8, 0x100000000ll), out) == DISP_E_OVERFLOW);
    CHECK(ui4(int_variant(VT_UI1, 200), out) == S_OK);
    CHECK(out == 200);
    CHECK(ui4(int_variant(VT_EMPTY, 0), out) == S_OK);
    CHECK(out == 0);
}

TEST_CASE("floats round half to even; NaN and out of range overflow") {
    std::uint32_t out = 0;
    CHECK(ui4(double_variant(VT_R8, 2.5), out) == S_OK);
    CHECK(out == 2);
    CHECK(ui4(double_variant(VT_R8, 3.5), out) == S_OK);
    CHECK(out == 4);
    CHECK(ui4(double_variant(VT_R4, 1.4), out) == S_OK);
    CHECK(out == 1);
    CHECK(ui4(double_variant(VT_R8, -0.4), out) == S_OK);
    CHECK(out == 0);
    CHECK(ui4(double_variant(VT_R8, -0.6), out) == DISP_E_OVERFLOW);
    CHECK(ui4(double_variant(VT_R8, 4294967295.4), out) == S_OK);
    CHECK(ui4(double_variant(VT_R8, 4294967296.0), out) == DISP_E_OVERFLOW);
    CHECK(ui4(double_variant(VT_R8, std::nan("")), out) == DISP_E_OVERFLOW);
}

TEST_CASE("bool copies bits, currency and decimal scale and round") {
    std::uint32_t out = 0;
    VARIANT b = int_variant(VT_BOOL, 0);
    b.boolVal = VARIANT_TRUE;
    CHECK(ui4(b, out) == S_OK);
    CHECK(out == 0xFFFFFFFFu);

    VARIANT cy = int_variant(VT_CY, 0);
    cy.cyVal.int64 = 25000;  // 2.5
    CHECK(ui4(cy, out) == S_OK);
    CHECK(out == 2);
    cy.cyVal.int64 = -10000;
    CHECK(ui4(cy, out) == DISP_E_OVERFLOW);

    VARIANT d;
    VariantInit(&d);
    d.decVal.scale = 1;
    d.decVal.sign = 0;
    d.decVal.Hi32 = 0;
    d.decVal.Lo64 = 425;  // 42.5 -> 42
    d.vt = VT_DECIMAL;
    CHECK(ui4(d, out) == S_OK);
    CHECK(out == 42);
    d.decVal.Hi32 = 1;  // far beyond 32 bits
    d.decVal.scale = 0;
    d.vt = VT_DECIMAL;
    CHECK(ui4(d, out) == DISP_E_OVERFLOW);
}

TEST_CASE("strings parse as numbers; others mismatch") {
    std::uint32_t out = 0;
    test::Bstr num(u" 42 ");
    CHECK(ui4(test::bstr_variant(num.get()), out) == S_OK);
    CHECK(out == 42);
    test::Bstr neg(u"-5");
    CHECK(ui4(test::bstr_variant(neg.get()), out) == DISP_E_OVERFLOW);
    test::Bstr word(u"abc");
    CHECK(ui4(test::bstr_variant(word.get()), out) == DISP_E_TYPEMISMATCH);
    CHECK(ui4(test::bstr_variant(nullptr), out) == DISP_E_TYPEMISMATCH);
    CHECK(ui4(int_variant(VT_NULL, 0), out) == DISP_E_TYPEMISMATCH);
    CHECK(ui4(int_variant(VT_DISPATCH, 0), out) == DISP_E_TYPEMISMATCH);
    CHECK(ui4(int_variant(VT_I4 | VT_ARRAY, 0), out) == DISP_E_TYPEMISMATCH);
    CHECK(ui4(int_variant(0x7FF, 0), out) == DISP_E_BADVARTYPE);
}

TEST_CASE("VT_BYREF and VT_VARIANT|VT_BYREF are followed") {
    std::uint32_t out = 0;
    LONG value = 9;
    VARIANT r;
    VariantInit(&r);
    r.vt = VT_I4 | VT_BYREF;
    r.plVal = &value;
    CHECK(ui4(r, out) == S_OK);
    CHECK(out == 9);

    VARIANT inner = int_variant(VT_UI2, 77);
    VARIANT outer;
    VariantInit(&outer);
    outer.vt = VT_VARIANT | VT_BYREF;
    outer.pvarVal = &inner;
    CHECK(ui4(outer, out) == S_OK);
    CHECK(out == 77);

    VARIANT null_ref;
    VariantInit(&null_ref);
    null_ref.vt = VT_I4 | VT_BYREF;
    CHECK(FAILED(ui4(null_ref, out)));
}

TEST_CASE("user names coerce to UTF-8 strings") {
    std::string s;
    test::Bstr name(u"Zo\u00eb");
    CHECK(coerce_to_utf8(test::bstr_variant(name.get()), s) == S_OK);
    CHECK(s == "Zo\xc3\xab");
    CHECK(coerce_to_utf8(test::bstr_variant(nullptr), s) == S_OK);
    CHECK(s.empty());
    CHECK(coerce_to_utf8(int_variant(VT_I4, -12), s) == S_OK);
    CHECK(s == "-12");
    CHECK(coerce_to_utf8(double_variant(VT_R8, 1.5), s) == S_OK);
    CHECK(s == "1.5");
    CHECK(coerce_to_utf8(int_variant(VT_NULL, 0), s) == DISP_E_TYPEMISMATCH);
    CHECK(coerce_to_utf8(int_variant(VT_UNKNOWN, 0), s) == DISP_E_TYPEMISMATCH);
}
