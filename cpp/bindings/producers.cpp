#include "producers.hpp"

#include <pybind11/pybind11.h>

#include "core/errors.hpp"
#include "native_monitor.hpp"

namespace pysens2 {

namespace py = pybind11;

HRESULT call_vtable(const SinkPair& s, Source src, BSTR user, DWORD session) {
    switch (src) {
        case Source::Logon_Logon: return s.logon->Logon(user);
        case Source::Logon_Logoff: return s.logon->Logoff(user);
        case Source::Logon_StartShell: return s.logon->StartShell(user);
        case Source::Logon_DisplayLock: return s.logon->DisplayLock(user);
        case Source::Logon_DisplayUnlock: return s.logon->DisplayUnlock(user);
        case Source::Logon_StartScreenSaver: return s.logon->StartScreenSaver(user);
        case Source::Logon_StopScreenSaver: return s.logon->StopScreenSaver(user);
        case Source::Logon2_Logon: return s.logon2->Logon(user, session);
        case Source::Logon2_Logoff: return s.logon2->Logoff(user, session);
        case Source::Logon2_SessionDisconnect: return s.logon2->SessionDisconnect(user, session);
        case Source::Logon2_SessionReconnect: return s.logon2->SessionReconnect(user, session);
        case Source::Logon2_PostShell: return s.logon2->PostShell(user, session);
        default: return E_INVALIDARG;  // not a SENS method
    }
}

HRESULT call_dispatch(const SinkPair& s, Source src, BSTR user, DWORD session) {
    const SensMethod* method = sens_method(src);
    if (!method) return E_INVALIDARG;
    const SensMethod& info = *method;
    IDispatch* d = s.dispatch(info.iface);
    std::u16string name(info.method.begin(), info.method.end());
    LPOLESTR names[] = {reinterpret_cast<LPOLESTR>(name.data())};
    DISPID id = DISPID_UNKNOWN;
    HRESULT hr = d->GetIDsOfNames(IID_NULL, names, 1, 0, &id);
    if (FAILED(hr)) return hr;
    VARIANT args[2];
    VariantInit(&args[0]);
    VariantInit(&args[1]);
    UINT n = 1;
    if (info.iface == SensInterface::Logon2) {
        args[0].vt = VT_UI4;  // last parameter first
        args[0].ulVal = session;
        n = 2;
    }
    args[n - 1].vt = VT_BSTR;
    args[n - 1].bstrVal = user;
    DISPPARAMS params{args, nullptr, n, 0};
    UINT arg_err = 0;
    return d->Invoke(id, IID_NULL, 0, DISPATCH_METHOD, &params, nullptr, nullptr, &arg_err);
}

SinkCall sink_call_for(const std::string& via) {
    if (via == "vtable") return &call_vtable;
    if (via == "dispatch") return &call_dispatch;
    throw py::value_error("via must be 'vtable' or 'dispatch', got '" + via + "'");
}

SinkPair sinks_of(NativeMonitor& mon) {
    auto* owner = dynamic_cast<SensSinkOwner*>(&mon.core().running_backend());
    if (!owner)
        throw py::value_error("backend '" + std::string(mon.core().backend_name()) +
                              "' has no SENS sink objects to call");
    SinkPair sinks = owner->sens_sinks();
    // Stopped by another thread since running_backend() looked: no sinks to call.
    if (!sinks.logon || !sinks.logon2)
        throw StateError("the monitor is not running; call start() first");
    return sinks;
}

Source checked_source(int index) {
    if (index < 0 || index >= static_cast<int>(kSourceCount))
        throw py::value_error("source index out of range");
    return static_cast<Source>(index);
}

Bstr producer_name(std::size_t t) {
    std::u16string name = u"producer-";
    for (char c : std::to_string(t)) name.push_back(static_cast<char16_t>(c));
    return Bstr(reinterpret_cast<const OLECHAR*>(name.data()), name.size());
}

void pace(std::chrono::steady_clock::time_point start, std::size_t i, double rate_hz) {
    if (rate_hz <= 0) return;
    std::this_thread::sleep_until(
        start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(i) / rate_hz)));
}

double fire_from_threads(const SinkPair& sinks, Source source, SinkCall call,
                         std::size_t threads, std::size_t count, double rate_hz) {
    return run_producers(threads, [&](std::size_t t) {
        Bstr user = producer_name(t);
        auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < count; ++i) {
            pace(start, i, rate_hz);
            call(sinks, source, user.get(), static_cast<DWORD>(i));
        }
    });
}

}  // namespace pysens2
