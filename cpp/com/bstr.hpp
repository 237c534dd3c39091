// Owning BSTR, for code that passes strings into COM calls.
#pragma once

#include <string>
#include <utility>

#include "com_platform.hpp"

namespace pysens2 {

class Bstr {
public:
    Bstr() = default;
    Bstr(const OLECHAR* text, std::size_t length)
        : b_(SysAllocStringLen(text, static_cast<UINT>(length))) {}
    explicit Bstr(const std::basic_string<OLECHAR>& text) : Bstr(text.data(), text.size()) {}
    ~Bstr() { SysFreeString(b_); }
    Bstr(Bstr&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
    Bstr& operator=(Bstr&& o) noexcept {
        std::swap(b_, o.b_);
        return *this;
    }
    Bstr(const Bstr&) = delete;
    Bstr& operator=(const Bstr&) = delete;

    BSTR get() const { return b_; }
    // For [out] BSTR* parameters: frees the current string first.
    BSTR* put() {
        SysFreeString(std::exchange(b_, nullptr));
        return &b_;
    }
    std::basic_string<OLECHAR> str() const {
        return b_ ? std::basic_string<OLECHAR>(b_, SysStringLen(b_)) : std::basic_string<OLECHAR>();
    }

private:
    BSTR b_ = nullptr;
};

}  // namespace pysens2
