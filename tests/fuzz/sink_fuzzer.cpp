// libFuzzer target: drives the sink's IDispatch (GetIDsOfNames and Invoke
// with arbitrary DISPIDs, flags, argument counts, VARIANT types and BSTR
// contents, including short length prefixes, which the BSTR ABI allows) and
// the UTF-16 -> UTF-8 conversion. Built with clang, ASan and UBSan
// (-DPYSENS2_BUILD_FUZZERS=ON); run by scripts/test.sh for a fixed time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "com/sink.hpp"
#include "core/utf16.hpp"

using namespace pysens2;

namespace {

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : p_(data), left_(size) {}
    template <class T>
    T take() {
        T v{};
        std::size_t n = left_ < sizeof(T) ? left_ : sizeof(T);
        std::memcpy(&v, p_, n);
        p_ += n;
        left_ -= n;
        return v;
    }
    std::u16string take_text(std::size_t max_units) {
        std::size_t units = take<std::uint8_t>() % (max_units + 1);
        std::u16string s;
        for (std::size_t i = 0; i < units && left_ >= 2; ++i) s.push_back(take<char16_t>());
        return s;
    }
    std::size_t left() const { return left_; }

private:
    const std::uint8_t* p_;
    std::size_t left_;
};

// Every VARIANT built for one call, and everything they point at.
struct Arena {
    std::deque<VARIANT> variants;
    std::vector<BSTR> bstrs;
    ~Arena() {
        for (BSTR b : bstrs) SysFreeString(b);
    }
    BSTR bstr(Input& in) {
        std::u16string text = in.take_text(64);
        BSTR b = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(text.data()),
                                   static_cast<UINT>(text.size()));
        bstrs.push_back(b);
        // A prefix shorter than the allocation is valid: the string is shorter.
        std::uint8_t shrink = in.take<std::uint8_t>();
        if (b && (shrink & 1) && !text.empty()) {
            std::uint32_t bytes = static_cast<std::uint32_t>(shrink % text.size()) * 2;
            std::memcpy(reinterpret_cast<unsigned char*>(b) - 4, &bytes, 4);
        }
        return b;
    }
    VARIANT variant(Input& in, int depth) {
        VARIANT v;
        VariantInit(&v);
        const VARTYPE vt = in.take<VARTYPE>();
        const VARTYPE base = vt & VT_TYPEMASK;
        v.ullVal = in.take<std::uint64_t>();
        v.brecVal.pRecInfo = nullptr;
        v.vt = vt;
        const bool pointer_value = base == VT_BSTR || base == VT_DISPATCH || base == VT_UNKNOWN ||
                                   base == VT_RECORD || (vt & VT_ARRAY);
        if (vt & VT_BYREF) {
            // A valid pointer (or null) to storage of the right shape.
            if (in.take<std::uint8_t>() & 1) {
                v.byref = nullptr;
            } else if (base == VT_VARIANT && depth < 2) {
                variants.push_back(variant(in, depth + 1));
                v.pvarVal = &variants.back();
            } else {
                variants.push_back(VARIANT{});
                VARIANT& target = variants.back();
                target.ullVal = in.take<std::uint64_t>();
                if (base == VT_BSTR) target.bstrVal = bstr(in);
                else if (pointer_value || base == VT_VARIANT) target.ullVal = 0;
                if (base == VT_DECIMAL) v.pdecVal = &target.decVal;
                else v.byref = &target.llVal;
            }
        } else if (base == VT_BSTR && !(vt & VT_ARRAY)) {
            v.bstrVal = (in.take<std::uint8_t>() & 1) ? nullptr : bstr(in);
        } else if (base == VT_DECIMAL && !(vt & VT_ARRAY)) {
            DECIMAL d;
            std::memcpy(&d, &v, sizeof d);  // any bits, including the scale
            d.wReserved = 0;
            v.decVal = d;
            v.vt = vt;
        } else if (pointer_value) {
            v.ullVal = 0;  // the ABI requires a valid interface/array pointer
        }
        return v;
    }
};

void fuzz_utf16(Input& in) {
    std::u16string text = in.take_text(255);
    std::string out = utf16_to_utf8(text.data(), text.size());
    // The output must be valid UTF-8: decode it back.
    for (std::size_t i = 0; i < out.size();) {
        unsigned char c = static_cast<unsigned char>(out[i]);
        std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (c >= 0x80 && (c < 0xC2 || c > 0xF4)) std::abort();
        for (std::size_t k = 1; k < n; ++k)
            if (i + k >= out.size() || (static_cast<unsigned char>(out[i + k]) & 0xC0) != 0x80)
                std::abort();
        i += n;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto queue = std::make_shared<EventQueue>(256);
    static SinkPair sinks = make_sinks(EventInlet(queue, EventFilter{}));
    Input in(data, size);
    const std::uint8_t mode = in.take<std::uint8_t>();
    IDispatch* d = (mode & 1) ? static_cast<IDispatch*>(sinks.logon2.get())
                              : static_cast<IDispatch*>(sinks.logon.get());
    switch ((mode >> 1) % 3) {
        case 0: fuzz_utf16(in); break;
        case 1: {
            std::vector<std::u16string> names;
            const std::size_t count = in.take<std::uint8_t>() % 5;
            for (std::size_t i = 0; i < count; ++i) names.push_back(in.take_text(40));
            std::vector<LPOLESTR> ptrs;
            for (auto& n : names) ptrs.push_back(reinterpret_cast<LPOLESTR>(n.data()));
            std::vector<DISPID> ids(names.size() + 1);
            d->GetIDsOfNames(IID_NULL, ptrs.data(), static_cast<UINT>(ptrs.size()), 0, ids.data());
            break;
        }
        default: {
            const DISPID id = in.take<std::int8_t>();
            const WORD flags = in.take<WORD>();
            const UINT args = in.take<std::uint8_t>() % 4;
            const UINT named = in.take<std::uint8_t>() % 2;
            Arena arena;
            std::vector<VARIANT> argv;
            for (UINT i = 0; i < args; ++i) argv.push_back(arena.variant(in, 0));
            DISPID named_ids[1] = {0};
            DISPPARAMS params{argv.empty() ? nullptr : argv.data(), named ? named_ids : nullptr,
                              args, named > args ? args : named};
            VARIANT result;
            VariantInit(&result);
            UINT arg_err = 0;
            HRESULT hr = d->Invoke(id, IID_NULL, 0, flags, &params, &result, nullptr, &arg_err);
            if (SUCCEEDED(hr) && result.vt != VT_EMPTY) std::abort();
            if (FAILED(hr) && hr != DISP_E_MEMBERNOTFOUND && hr != DISP_E_BADPARAMCOUNT &&
                hr != DISP_E_NONAMEDARGS && hr != DISP_E_TYPEMISMATCH && hr != DISP_E_OVERFLOW &&
                hr != DISP_E_BADVARTYPE && hr != E_INVALIDARG)
                std::abort();  // an HRESULT the sink never documents
            break;
        }
    }
    // Keep the queue from filling for good: drain it now and then.
    Event e;
    while (queue->pop_for(e, std::chrono::nanoseconds(0)) == EventQueue::PopResult::Event) {
    }
    return 0;
}
