// oleaut32 stand-ins for non-Windows builds (see com_abi.hpp).
#include "com_abi.hpp"

#include <cstdlib>

const IID IID_NULL = {0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
const IID IID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
const IID IID_IDispatch = {0x00020400, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

namespace {
// The prefix sits in the 4 bytes before the string; the block starts 8 bytes
// earlier so the string stays 8-byte aligned, as oleaut32's does.
constexpr std::size_t kHeader = 8;
}  // namespace

BSTR SysAllocStringLen(const OLECHAR* str, UINT len) {
    const std::size_t bytes = static_cast<std::size_t>(len) * sizeof(OLECHAR);
    if (bytes > 0xFFFFFFF0u) return nullptr;
    auto* block = static_cast<unsigned char*>(std::malloc(kHeader + bytes + sizeof(OLECHAR)));
    if (!block) return nullptr;
    const auto byte_len = static_cast<std::uint32_t>(bytes);
    std::memcpy(block + kHeader - sizeof(byte_len), &byte_len, sizeof(byte_len));
    auto* data = reinterpret_cast<OLECHAR*>(block + kHeader);
    if (str && bytes) std::memcpy(data, str, bytes);
    else if (bytes) std::memset(data, 0, bytes);
    data[len] = 0;
    return data;
}

BSTR SysAllocString(const OLECHAR* psz) {
    if (!psz) return nullptr;
    UINT len = 0;
    while (psz[len]) ++len;
    return SysAllocStringLen(psz, len);
}

void SysFreeString(BSTR bstr) {
    if (bstr) std::free(reinterpret_cast<unsigned char*>(bstr) - kHeader);
}

UINT SysStringByteLen(BSTR bstr) {
    if (!bstr) return 0;
    std::uint32_t byte_len;
    std::memcpy(&byte_len, reinterpret_cast<unsigned char*>(bstr) - sizeof(byte_len),
                sizeof(byte_len));
    return byte_len;
}

UINT SysStringLen(BSTR bstr) { return SysStringByteLen(bstr) / sizeof(OLECHAR); }

void VariantInit(VARIANT* v) {
    std::memset(v, 0, sizeof(*v));
    v->vt = VT_EMPTY;
}

HRESULT VariantClear(VARIANT* v) {
    if (!v) return E_INVALIDARG;
    if (!(v->vt & VT_BYREF)) {
        switch (v->vt) {
            case VT_BSTR: SysFreeString(v->bstrVal); break;
            case VT_UNKNOWN:
            case VT_DISPATCH:
                if (v->punkVal) v->punkVal->Release();
                break;
            default: break;
        }
    }
    VariantInit(v);
    return S_OK;
}
