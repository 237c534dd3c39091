// The Windows backend's tests, run under Wine (or on Windows) by ctest.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <windows.h>
#include <oleauto.h>

#include <cstdio>
#include <string>

#include "fake_event_system.hpp"

namespace {

// The test type libraries lie beside the executable (see CMakeLists.txt).
bool register_typelibs() {
#ifdef PYSENS2_TEST_TYPELIBS
    wchar_t exe[MAX_PATH];
    GetModuleFileNameW(nullptr, exe, MAX_PATH);
    std::wstring dir(exe);
    dir.erase(dir.find_last_of(L"\\/") + 1);
    HRESULT hr = fake::register_test_typelibs(dir);
    if (FAILED(hr)) {
        std::fprintf(stderr, "registering the test type libraries failed: 0x%08lX\n",
                     static_cast<unsigned long>(hr));
        return false;
    }
#endif
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    // The main thread joins the MTA, where the stand-in class objects live.
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    if (!register_typelibs()) return 2;
    doctest::Context context(argc, argv);
    int rc = context.run();
    CoUninitialize();
    return rc;
}
