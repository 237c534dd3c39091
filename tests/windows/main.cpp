// The Windows backend's tests, run under Wine (or on Windows) by ctest.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <objbase.h>

int main(int argc, char** argv) {
    // The main thread joins the MTA, where the stand-in class objects live.
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    doctest::Context context(argc, argv);
    int rc = context.run();
    CoUninitialize();
    return rc;
}
