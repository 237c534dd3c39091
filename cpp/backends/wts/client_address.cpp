#include "client_address.hpp"

#include <cstdio>

namespace pysens2 {

std::optional<std::string> format_client_address(std::uint32_t family,
                                                  const std::uint8_t (&a)[20]) {
    char buf[48];
    if (family == kAfInet) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[2], a[3], a[4], a[5]);
        return std::string(buf);
    }
    if (family != kAfInet6) return std::nullopt;
    unsigned groups[8];
    for (int i = 0; i < 8; ++i) groups[i] = (unsigned{a[2 * i]} << 8) | a[2 * i + 1];
    // The longest run of two or more zero groups (the first, on a tie).
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::snprintf(buf, sizeof buf, "%x", groups[i]);
        out += buf;
    }
    return out;
}

}  // namespace pysens2
