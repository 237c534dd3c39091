// The Win32 calls the WTS backend and the state queries make, as a table of
// function pointers: the system's by default, stand-ins in tests (Wine's
// wtsapi32 implements little of this). Also the pieces of the WTS API that
// mingw-w64's headers lack (WTSINFOEXW, DESIGN.md §7).
#pragma once

#include "com/com_platform.hpp"

#include <wtsapi32.h>

#include <cstdint>

namespace pysens2 {

// WTS_INFO_CLASS values newer than mingw-w64's header.
inline constexpr WTS_INFO_CLASS kWTSSessionInfoEx = static_cast<WTS_INFO_CLASS>(25);
inline constexpr WTS_INFO_CLASS kWTSIsRemoteSession = static_cast<WTS_INFO_CLASS>(29);

// WTSINFOEX_LEVEL1_W.SessionFlags (reversed on Windows 7 / Server 2008 R2).
inline constexpr LONG kWtsSessionStateLock = 0;
inline constexpr LONG kWtsSessionStateUnlock = 1;

struct WtsInfoExLevel1 {  // WTSINFOEX_LEVEL1_W
    ULONG SessionId;
    WTS_CONNECTSTATE_CLASS SessionState;
    LONG SessionFlags;
    WCHAR WinStationName[33];
    WCHAR UserName[21];
    WCHAR DomainName[18];
    LARGE_INTEGER LogonTime;
    LARGE_INTEGER ConnectTime;
    LARGE_INTEGER DisconnectTime;
    LARGE_INTEGER LastInputTime;
    LARGE_INTEGER CurrentTime;
    DWORD IncomingBytes;
    DWORD OutgoingBytes;
    DWORD IncomingFrames;
    DWORD OutgoingFrames;
    DWORD IncomingCompressedBytes;
    DWORD OutgoingCompressedBytes;
};
struct WtsInfoEx {  // WTSINFOEXW
    DWORD Level;
    union {
        WtsInfoExLevel1 WTSInfoExLevel1;
    } Data;
};

inline constexpr UINT kWmWtsSessionChange = 0x02B1;  // WM_WTSSESSION_CHANGE
inline constexpr DWORD kRpcInvalidBinding = 1702;    // RPC_S_INVALID_BINDING

struct WtsApi {
    BOOL(WINAPI* register_notification)(HWND, DWORD);
    BOOL(WINAPI* unregister_notification)(HWND);
    BOOL(WINAPI* query_session)(HANDLE, DWORD, WTS_INFO_CLASS, LPWSTR*, DWORD*);
    void(WINAPI* free_memory)(PVOID);
    BOOL(WINAPI* enumerate_sessions)(HANDLE, DWORD, DWORD, PWTS_SESSION_INFOW*, DWORD*);
    DWORD(WINAPI* active_console_session)();
    BOOL(WINAPI* process_session)(DWORD, DWORD*);
    BOOL(WINAPI* last_input)(PLASTINPUTINFO);
    DWORD(WINAPI* tick_count)();
    // (major << 16) | minor of the real Windows version (RtlGetVersion).
    std::uint32_t (*os_version)();
    // Waits up to `ms` for Global\TermSrvReadyEvent; false if it is not set
    // by then (or does not exist).
    bool (*wait_termsrv_ready)(DWORD ms);
};

const WtsApi& system_wts_api();

}  // namespace pysens2
