// UTF-16 -> UTF-8 for user names that arrive as BSTR. Written by hand: it is
// twenty lines, must never throw on bad input (std::codecvt does, and is
// deprecated), and must build unchanged with MSVC, gcc and mingw-w64.
#pragma once

#include <cstddef>
#include <string>

namespace pysens2 {

// Appends the UTF-8 form of `units[0..count)` to `out`. Unpaired surrogates
// become U+FFFD; embedded NULs are kept.
void append_utf8(std::string& out, const char16_t* units, std::size_t count);

inline std::string utf16_to_utf8(const char16_t* units, std::size_t count) {
    std::string out;
    append_utf8(out, units, count);
    return out;
}

}  // namespace pysens2
