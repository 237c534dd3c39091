#include <cstdio>

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

}  // namespace pysens2
