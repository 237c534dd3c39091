#include <cstdint>
#include <cstdio>
#include <string>

#include "sens_interfaces.hpp"

namespace pysens2 {

// {D597BAB3-5B9F-11D1-8DD2-00AA004ABD5E}
const GUID kIID_ISensLogon = {0xD597BAB3, 0x5B9F, 0x11D1,
                              {0x8D, 0xD2, 0x00, 0xAA, 0x00, 0x4A, 0xBD, 0x5E}};
// {D597BAB4-5B9F-11D1-8DD2-00AA004ABD5E}
const GUID kIID_ISensLogon2 = {0xD597BAB4, 0x5B9F, 0x11D1,
                               {0x8D, 0xD2, 0x00, 0xAA, 0x00, 0x4A, 0xBD, 0x5E}};
// {D5978630-5B9F-11D1-8DD2-00AA004ABD5E}
const GUID kSENSGUID_EVENTCLASS_LOGON = {0xD5978630, 0x5B9F, 0x11D1,
                                         {0x8D, 0xD2, 0x00, 0xAA, 0x00, 0x4A, 0xBD, 0x5E}};
// {D5978650-5B9F-11D1-8DD2-00AA004ABD5E}
const GUID kSENSGUID_EVENTCLASS_LOGON2 = {0xD5978650, 0x5B9F, 0x11D1,
                                          {0x8D, 0xD2, 0x00, 0xAA, 0x00, 0x4A, 0xBD, 0x5E}};
// {5FEE1BD6-5B9B-11D1-8DD2-00AA004ABD5E}
const GUID kSENSGUID_PUBLISHER = {0x5FEE1BD6, 0x5B9B, 0x11D1,
                                  {0x8D, 0xD2, 0x00, 0xAA, 0x00, 0x4A, 0xBD, 0x5E}};
// {D597DEED-5B9F-11D1-8DD2-00AA004ABD5E}
const GUID kLIBID_SensEvents = {0xD597DEED, 0x5B9F, 0x11D1,
                                {0x8D, 0xD2, 0x00, 0xAA, 0x00, 0x4A, 0xBD, 0x5E}};

std::string guid_to_string(const GUID& g) {
    char buf[39];
    std::snprintf(buf, sizeof buf, "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                  static_cast<unsigned long>(g.Data1), g.Data2, g.Data3, g.Data4[0], g.Data4[1],
                  g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
    return buf;
}

bool guid_from_string(const std::string& text, GUID& out) {
    std::string s = text;
    if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
    if (s.size() != 36) return false;
    std::string hex;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash_pos) {
            if (c != '-') return false;
            continue;
        }
        bool is_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!is_hex) return false;
        hex.push_back(c);
    }
    auto field = [&](std::size_t pos, std::size_t len) {
        return static_cast<unsigned long long>(std::stoull(hex.substr(pos, len), nullptr, 16));
    };
    out.Data1 = static_cast<std::uint32_t>(field(0, 8));
    out.Data2 = static_cast<std::uint16_t>(field(8, 4));
    out.Data3 = static_cast<std::uint16_t>(field(12, 4));
    for (int i = 0; i < 8; ++i) out.Data4[i] = static_cast<std::uint8_t>(field(16 + 2 * i, 2));
    return true;
}

}  // namespace pysens2
