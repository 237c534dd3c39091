// The ATL-free COM sink: one object per SENS interface, because DISPIDs 3-5
// mean different methods on ISensLogon and ISensLogon2. Every call, through
// the vtable or IDispatch::Invoke, copies the event into the queue and
// returns S_OK at once; it never blocks and never touches Python.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "../core/event_inlet.hpp"
#include "com_ptr.hpp"
#include "sens_interfaces.hpp"
#include "sens_methods.hpp"

namespace pysens2 {

// Interface-independent half of both sinks.
class SinkCore {
public:
    // Sink objects alive in the process (for leak checks).
    static long live_count();

protected:
    SinkCore(SensInterface iface, EventInlet inlet);
    ~SinkCore();
    SinkCore(const SinkCore&) = delete;
    SinkCore& operator=(const SinkCore&) = delete;

    HRESULT post(Source source, BSTR user, bool has_session, DWORD session_id) noexcept;
    HRESULT get_ids_of_names(REFIID riid, LPOLESTR* names, UINT count, DISPID* ids) noexcept;
    HRESULT invoke(DISPID member, REFIID riid, WORD flags, DISPPARAMS* params, VARIANT* result,
                   UINT* arg_err) noexcept;
    const IID& interface_id() const;

    std::atomic<ULONG> refs_{1};

private:
    HRESULT deliver(Event&& event) noexcept;

    const SensInterface iface_;
    const EventInlet inlet_;
};

// IUnknown and IDispatch over SinkCore for one SENS interface.
template <class Derived, class Iface>
class SinkObject : public Iface, protected SinkCore {
public:
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
        if (!ppv) return E_POINTER;
        if (IsEqualGUID(riid, IID_IUnknown) || IsEqualGUID(riid, IID_IDispatch) ||
            IsEqualGUID(riid, interface_id())) {
            // One interface chain, so every IID yields the same pointer (COM identity).
            *ppv = static_cast<Iface*>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override {
        return refs_.fetch_add(1, std::memory_order_relaxed) + 1;
    }
    ULONG STDMETHODCALLTYPE Release() override {
        ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
        if (left == 0) delete static_cast<Derived*>(this);
        return left;
    }
    HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
        if (!count) return E_POINTER;
        *count = 0;  // no type library: names resolve through GetIDsOfNames
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo** info) override {
        if (!info) return E_POINTER;
        *info = nullptr;
        return DISP_E_BADINDEX;
    }
    HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID riid, LPOLESTR* names, UINT count, LCID,
                                            DISPID* ids) override {
        return get_ids_of_names(riid, names, count, ids);
    }
    HRESULT STDMETHODCALLTYPE Invoke(DISPID member, REFIID riid, LCID, WORD flags,
                                     DISPPARAMS* params, VARIANT* result, EXCEPINFO*,
                                     UINT* arg_err) override {
        return invoke(member, riid, flags, params, result, arg_err);
    }

protected:
    using SinkCore::SinkCore;
    ~SinkObject() = default;
};

class SensLogonSink final : public SinkObject<SensLogonSink, ISensLogon> {
public:
    explicit SensLogonSink(EventInlet inlet) : SinkObject(SensInterface::Logon, std::move(inlet)) {}

    HRESULT STDMETHODCALLTYPE Logon(BSTR user) override;
    HRESULT STDMETHODCALLTYPE Logoff(BSTR user) override;
    HRESULT STDMETHODCALLTYPE StartShell(BSTR user) override;
    HRESULT STDMETHODCALLTYPE DisplayLock(BSTR user) override;
    HRESULT STDMETHODCALLTYPE DisplayUnlock(BSTR user) override;
    HRESULT STDMETHODCALLTYPE StartScreenSaver(BSTR user) override;
    HRESULT STDMETHODCALLTYPE StopScreenSaver(BSTR user) override;

private:
    friend class SinkObject<SensLogonSink, ISensLogon>;
    ~SensLogonSink() = default;
};

class SensLogon2Sink final : public SinkObject<SensLogon2Sink, ISensLogon2> {
public:
    explicit SensLogon2Sink(EventInlet inlet)
        : SinkObject(SensInterface::Logon2, std::move(inlet)) {}

    HRESULT STDMETHODCALLTYPE Logon(BSTR user, DWORD session) override;
    HRESULT STDMETHODCALLTYPE Logoff(BSTR user, DWORD session) override;
    HRESULT STDMETHODCALLTYPE SessionDisconnect(BSTR user, DWORD session) override;
    HRESULT STDMETHODCALLTYPE SessionReconnect(BSTR user, DWORD session) override;
    HRESULT STDMETHODCALLTYPE PostShell(BSTR user, DWORD session) override;

private:
    friend class SinkObject<SensLogon2Sink, ISensLogon2>;
    ~SensLogon2Sink() = default;
};

// The two sink objects a monitor subscribes, each holding one reference.
struct SinkPair {
    ComPtr<ISensLogon> logon;
    ComPtr<ISensLogon2> logon2;

    // The object that implements `iface`, as its IDispatch (no new reference).
    IDispatch* dispatch(SensInterface iface) const {
        return iface == SensInterface::Logon2 ? static_cast<IDispatch*>(logon2.get())
                                              : static_cast<IDispatch*>(logon.get());
    }
};
SinkPair make_sinks(const EventInlet& inlet);

// Implemented by a backend whose events arrive through SinkPair objects, so
// pysens2.testing and the benchmarks can call them as SENS would.
class SensSinkOwner {
public:
    // New references to the live sinks; empty when not started.
    virtual SinkPair sens_sinks() const = 0;

protected:
    ~SensSinkOwner() = default;
};

}  // namespace pysens2
