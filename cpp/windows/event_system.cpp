#include "event_system.hpp"

#include <cstdio>

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

std::string hresult_hex(HRESULT hr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(hr));
    return buf;
}

std::string system_message(HRESULT hr) {
    wchar_t* text = nullptr;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                 FORMAT_MESSAGE_IGNORE_INSERTS,
                             nullptr, static_cast<DWORD>(hr), 0, reinterpret_cast<wchar_t*>(&text),
                             0, nullptr);
    std::string out;
    if (n && text) {
        int bytes = WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(n), nullptr, 0, nullptr,
                                        nullptr);
        out.resize(static_cast<std::size_t>(bytes));
        WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(n), out.data(), bytes, nullptr,
                            nullptr);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' '))
            out.pop_back();
    }
    if (text) LocalFree(text);
    return out;
}

std::wstring widen(const std::string& ascii) { return std::wstring(ascii.begin(), ascii.end()); }

}  // namespace pysens2
