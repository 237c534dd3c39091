// The Windows backend's tests, run under Wine (or on Windows) by ctest.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <windows.h>
#include <oleauto.h>

#include <cstdio>
#include <string>

namespace {

bool running_under_wine() {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

// Registers the test type libraries beside the executable (proxies for
// ISensLogon, ISensLogon2 and the stand-in Event System). Only inside Wine:
// on Windows the system's own SENS type library must stay as it is.
bool register_test_typelibs() {
#ifdef PYSENS2_TEST_TYPELIBS
    if (!running_under_wine()) return true;
    wchar_t exe[MAX_PATH];
    GetModuleFileNameW(nullptr, exe, MAX_PATH);
    std::wstring dir(exe);
    dir.erase(dir.find_last_of(L"\\/") + 1);
    for (const wchar_t* name : {L"sens_events.tlb", L"event_system_test.tlb"}) {
        ITypeLib* lib = nullptr;
        HRESULT hr = LoadTypeLibEx((dir + name).c_str(), REGKIND_REGISTER, &lib);
        if (FAILED(hr)) {
            std::fprintf(stderr, "registering test type library %ls failed: 0x%08lX\n", name,
                         static_cast<unsigned long>(hr));
            return false;
        }
        lib->Release();
    }
#endif
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    // The main thread joins the MTA, where the stand-in class objects live.
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    if (!register_test_typelibs()) return 2;
    doctest::Context context(argc, argv);
    int rc = context.run();
    CoUninitialize();
    return rc;
}
