#include "event_system.hpp"

namespace pysens2 {

// {4E14FBA2-2E22-11D1-9964-00C04FBBB345}
const GUID kCLSID_CEventSystem = {0x4E14FBA2, 0x2E22, 0x11D1,
                                  {0x99, 0x64, 0x00, 0xC0, 0x4F, 0xBB, 0xB3, 0x45}};
// {4E14FB9F-2E22-11D1-9964-00C04FBBB345}
const GUID kIID_IEventSystem = {0x4E14FB9F, 0x2E22, 0x11D1,
                                {0x99, 0x64, 0x00, 0xC0, 0x4F, 0xBB, 0xB3, 0x45}};
// {7542E960-79C7-11D1-88F9-0080C7D771BF}
const GUID kCLSID_CEventSubscription = {0x7542E960, 0x79C7, 0x11D1,
                                        {0x88, 0xF9, 0x00, 0x80, 0xC7, 0xD7, 0x71, 0xBF}};
// {4A6B0E15-2E38-11D1-9965-00C04FBBB345}
const GUID kIID_IEventSubscription = {0x4A6B0E15, 0x2E38, 0x11D1,
                                      {0x99, 0x65, 0x00, 0xC0, 0x4F, 0xBB, 0xB3, 0x45}};

std::wstring widen(const std::string& ascii) { return std::wstring(ascii.begin(), ascii.end()); }

}  // namespace pysens2
