#include "utf16.hpp"

#include <cstdint>

namespace pysens2 {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_high(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

void put(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace

void append_utf8(std::string& out, const char16_t* units, std::size_t count) {
    // Fast path: user names are nearly always ASCII.
    std::size_t ascii = 0;
    while (ascii < count && units[ascii] < 0x80) ++ascii;
    const std::size_t base = out.size();
    out.resize(base + ascii);
    for (std::size_t i = 0; i < ascii; ++i) out[base + i] = static_cast<char>(units[i]);
    if (ascii == count) return;
    out.reserve(out.size() + (count - ascii) * 3);
    for (std::size_t i = ascii; i < count; ++i) {
        char16_t u = units[i];
        if (is_high(u) && i + 1 < count && is_low(units[i + 1])) {
            char32_t cp = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) +
                          (static_cast<char32_t>(units[i + 1]) - 0xDC00);
            put(out, cp);
            ++i;
        } else if (is_high(u) || is_low(u)) {
            put(out, kReplacement);
        } else {
            put(out, u);
        }
    }
}

}  // namespace pysens2
