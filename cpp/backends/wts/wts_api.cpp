#include "wts_api.hpp"

namespace pysens2 {
namespace {

std::uint32_t real_os_version() {
    // GetVersionEx lies to programs without a manifest; ntdll does not.
    using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    auto fn = ntdll ? reinterpret_cast<RtlGetVersionFn>(
                          reinterpret_cast<void*>(GetProcAddress(ntdll, "RtlGetVersion")))
                    : nullptr;
    OSVERSIONINFOW info{};
    info.dwOSVersionInfoSize = sizeof info;
    if (!fn || fn(&info) != 0) return 0;
    return (info.dwMajorVersion << 16) | (info.dwMinorVersion & 0xFFFF);
}

bool wait_termsrv_ready(DWORD ms) {
    HANDLE ready = OpenEventW(SYNCHRONIZE, FALSE, L"Global\\TermSrvReadyEvent");
    if (!ready) {
        Sleep(ms);  // not created yet, early at boot: let the caller retry
        return false;
    }
    const bool set = WaitForSingleObject(ready, ms) == WAIT_OBJECT_0;
    CloseHandle(ready);
    return set;
}

}  // namespace

const WtsApi& system_wts_api() {
    static const WtsApi api{
        &WTSRegisterSessionNotification,
        &WTSUnRegisterSessionNotification,
        &WTSQuerySessionInformationW,
        &WTSFreeMemory,
        &WTSEnumerateSessionsW,
        &WTSGetActiveConsoleSessionId,
        &ProcessIdToSessionId,
        &GetLastInputInfo,
        &GetTickCount,
        &real_os_version,
        &wait_termsrv_ready,
    };
    return api;
}

}  // namespace pysens2
