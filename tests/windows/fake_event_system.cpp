#include "fake_event_system.hpp"

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "com/bstr.hpp"
#include "core/clock.hpp"
#include "com/sens_interfaces.hpp"

using pysens2::Bstr;
using pysens2::ComPtr;

namespace fake {
namespace {

std::wstring str(BSTR b) { return b ? std::wstring(b, SysStringLen(b)) : std::wstring(); }

HRESULT out_bstr(const std::wstring& s, BSTR* out) {
    if (!out) return E_POINTER;
    *out = SysAllocStringLen(s.data(), static_cast<UINT>(s.size()));
    return S_OK;
}

// Appends one line to the state's log (see State::log_path); mutex held.
void log_line(const State& st, const char* what, const std::wstring& id) {
    if (st.log_path.empty()) return;
    FILE* f = _wfopen(st.log_path.c_str(), L"ab");
    if (!f) return;
    std::fprintf(f, "%s %ls\n", what, id.c_str());
    std::fclose(f);
}

IGlobalInterfaceTable* git() {
    static IGlobalInterfaceTable* table = [] {
        IGlobalInterfaceTable* t = nullptr;
        CoCreateInstance(CLSID_StdGlobalInterfaceTable, nullptr, CLSCTX_INPROC_SERVER,
                         IID_IGlobalInterfaceTable, reinterpret_cast<void**>(&t));
        return t;
    }();
    return table;
}

// Drops what a record holds of its subscriber.
void forget(Record& r) {
    if (r.git_cookie) git()->RevokeInterfaceFromGlobal(r.git_cookie);
    if (r.held) r.held->Release();
    r.git_cookie = 0;
    r.held = nullptr;
}

// Wine registers no proxy/stub for the Event System's interfaces, so the
// fakes aggregate the free-threaded marshaler: any apartment (the backend's
// STA included) gets them directly, as it would get working proxies of the
// real, out-of-process Event System.
HRESULT query_ftm(IUnknown* self, IUnknown** ftm, void** ppv) {
    if (!*ftm && FAILED(CoCreateFreeThreadedMarshaler(self, ftm))) return E_NOINTERFACE;
    return (*ftm)->QueryInterface(IID_IMarshal, ppv);
}

// The test type library's LIBID (event_system_test.idl).
const GUID kLIBID_EventSystemTest = {
    0x6A0F35C1, 0x7B2E, 0x4C55, {0x9E, 0x3B, 0x2D, 0x1C, 0x5A, 0x8F, 0x7E, 0x10}};

// The type information of `iid` from the registered test type library (under
// Wine, after register_test_typelibs), or null. For a dual interface, also
// its vtable half, which DispInvoke calls through.
void load_type_info(const IID& iid, ITypeInfo** dispatch, ITypeInfo** vtable) {
    ITypeLib* lib = nullptr;
    if (FAILED(LoadRegTypeLib(kLIBID_EventSystemTest, 1, 0, LOCALE_NEUTRAL, &lib))) return;
    ITypeInfo* ti = nullptr;
    if (SUCCEEDED(lib->GetTypeInfoOfGuid(iid, &ti))) {
        *dispatch = ti;
        HREFTYPE ref = 0;
        ITypeInfo* iface = nullptr;
        if (SUCCEEDED(ti->GetRefTypeOfImplType(static_cast<UINT>(-1), &ref)) &&
            SUCCEEDED(ti->GetRefTypeInfo(ref, &iface)))
            *vtable = iface;
        else
            (*vtable = ti)->AddRef();
    }
    lib->Release();
}

// IUnknown + IDispatch boilerplate for the fakes. IDispatch answers from the
// test type library where it is registered (under Wine), so late-binding
// clients (pywin32's Dispatch, comtypes' dynamic mode) work as with the real
// Event System; elsewhere it is E_NOTIMPL.
template <class Iface>
class Object : public Iface {
public:
    explicit Object(const IID& iid) : iid_(iid) { load_type_info(iid, &dispatch_ti_, &vtable_ti_); }
    virtual ~Object() {
        if (ftm_) ftm_->Release();
        if (dispatch_ti_) dispatch_ti_->Release();
        if (vtable_ti_) vtable_ti_->Release();
    }
    HRESULT WINAPI QueryInterface(REFIID riid, void** ppv) override {
        if (!ppv) return E_POINTER;
        if (IsEqualGUID(riid, IID_IUnknown) || IsEqualGUID(riid, IID_IDispatch) ||
            IsEqualGUID(riid, iid_)) {
            *ppv = static_cast<Iface*>(this);
            this->AddRef();
            return S_OK;
        }
        if (IsEqualGUID(riid, IID_IMarshal)) return query_ftm(this, &ftm_, ppv);
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG WINAPI AddRef() override { return ++refs_; }
    ULONG WINAPI Release() override {
        ULONG n = --refs_;
        if (!n) delete this;
        return n;
    }
    HRESULT WINAPI GetTypeInfoCount(UINT* n) override {
        if (!n) return E_POINTER;
        *n = dispatch_ti_ ? 1 : 0;
        return S_OK;
    }
    HRESULT WINAPI GetTypeInfo(UINT index, LCID, ITypeInfo** out) override {
        if (!out) return E_POINTER;
        *out = nullptr;
        if (!dispatch_ti_) return E_NOTIMPL;
        if (index != 0) return DISP_E_BADINDEX;
        (*out = dispatch_ti_)->AddRef();
        return S_OK;
    }
    HRESULT WINAPI GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID,
                                 DISPID* ids) override {
        if (!dispatch_ti_) return E_NOTIMPL;
        return DispGetIDsOfNames(dispatch_ti_, names, count, ids);
    }
    HRESULT WINAPI Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS* params,
                          VARIANT* result, EXCEPINFO* excep, UINT* arg_err) override {
        if (!vtable_ti_) return E_NOTIMPL;
        return DispInvoke(static_cast<Iface*>(this), vtable_ti_, id, flags, params, result,
                          excep, arg_err);
    }

private:
    const IID& iid_;
    std::atomic<ULONG> refs_{1};
    IUnknown* ftm_ = nullptr;
    ITypeInfo* dispatch_ti_ = nullptr;
    ITypeInfo* vtable_ti_ = nullptr;
};

class Subscription final : public Object<IEventSubscription> {
public:
    Subscription() : Object(pysens2::kIID_IEventSubscription) {}
    ~Subscription() override {
        if (subscriber) subscriber->Release();
    }
    std::wstring id, name, publisher, event_class, method, subscriber_clsid, owner, description,
        machine, interface_id;
    IUnknown* subscriber = nullptr;
    BOOL per_user = FALSE, enabled = TRUE;

#define PROP(Name, field)                                                               \
    HRESULT WINAPI get_##Name(BSTR* out) override { return out_bstr(field, out); }     \
    HRESULT WINAPI put_##Name(BSTR in) override {                                      \
        field = str(in);                                                               \
        return S_OK;                                                                   \
    }
    PROP(SubscriptionID, id)
    PROP(SubscriptionName, name)
    PROP(PublisherID, publisher)
    PROP(EventClassID, event_class)
    PROP(MethodName, method)
    PROP(SubscriberCLSID, subscriber_clsid)
    PROP(OwnerSID, owner)
    PROP(Description, description)
    PROP(MachineName, machine)
    PROP(InterfaceID, interface_id)
#undef PROP
    HRESULT WINAPI get_SubscriberInterface(IUnknown** out) override {
        if (!out) return E_POINTER;
        *out = subscriber;
        if (subscriber) subscriber->AddRef();
        return S_OK;
    }
    HRESULT WINAPI put_SubscriberInterface(IUnknown* in) override {
        if (in) in->AddRef();
        if (subscriber) subscriber->Release();
        subscriber = in;
        return S_OK;
    }
    HRESULT WINAPI get_PerUser(BOOL* out) override {
        *out = per_user;
        return S_OK;
    }
    HRESULT WINAPI put_PerUser(BOOL in) override {
        per_user = in;
        return S_OK;
    }
    HRESULT WINAPI get_Enabled(BOOL* out) override {
        *out = enabled;
        return S_OK;
    }
    HRESULT WINAPI put_Enabled(BOOL in) override {
        enabled = in;
        return S_OK;
    }
    HRESULT WINAPI GetPublisherProperty(BSTR, VARIANT*) override { return E_NOTIMPL; }
    HRESULT WINAPI PutPublisherProperty(BSTR, VARIANT*) override { return E_NOTIMPL; }
    HRESULT WINAPI RemovePublisherProperty(BSTR) override { return E_NOTIMPL; }
    HRESULT WINAPI GetPublisherPropertyCollection(IEventObjectCollection**) override {
        return E_NOTIMPL;
    }
    HRESULT WINAPI GetSubscriberProperty(BSTR, VARIANT*) override { return E_NOTIMPL; }
    HRESULT WINAPI PutSubscriberProperty(BSTR, VARIANT*) override { return E_NOTIMPL; }
    HRESULT WINAPI RemoveSubscriberProperty(BSTR) override { return E_NOTIMPL; }
    HRESULT WINAPI GetSubscriberPropertyCollection(IEventObjectCollection**) override {
        return E_NOTIMPL;
    }
};

constexpr HRESULT EVENT_E_QUERYSYNTAX_ = static_cast<HRESULT>(0x80040203);

class EventSystem final : public Object<IEventSystem> {
public:
    EventSystem() : Object(pysens2::kIID_IEventSystem) {}
    HRESULT WINAPI Query(BSTR, BSTR, int*, IUnknown**) override { return E_NOTIMPL; }
    HRESULT WINAPI Store(BSTR prog_id, IUnknown* object) override {
        if (str(prog_id) != pysens2::kSubscriptionProgId) return E_INVALIDARG;
        ComPtr<IEventSubscription> sub;
        HRESULT hr = object->QueryInterface(pysens2::kIID_IEventSubscription,
                                            reinterpret_cast<void**>(sub.put()));
        if (FAILED(hr)) return hr;
        auto* s = static_cast<Subscription*>(sub.get());  // only our own objects come here
        State& st = state();
        std::lock_guard<std::mutex> lock(st.mutex);
        if (++st.store_calls == st.fail_store_at) return st.fail_hr;
        Record r{s->id, s->name, s->publisher, s->event_class, s->method, s->per_user, 0};
        if (s->subscriber) {
            // Registered from the storing thread's apartment, like a marshal
            // to the Event System's process would be.
            hr = git()->RegisterInterfaceInGlobal(s->subscriber, IID_IUnknown, &r.git_cookie);
            if (FAILED(hr)) return hr;
            (r.held = s->subscriber)->AddRef();
        }
        for (auto& existing : st.stored)
            if (existing.id == r.id) {  // Store creates or modifies
                forget(existing);
                existing = r;
                log_line(st, "store", r.id);
                return S_OK;
            }
        st.stored.push_back(r);
        log_line(st, "store", r.id);
        return S_OK;
    }
    HRESULT WINAPI Remove(BSTR prog_id, BSTR query, int* error_index) override {
        if (error_index) *error_index = 0;
        if (str(prog_id) != pysens2::kSubscriptionProgId) return E_INVALIDARG;
        const std::wstring q = str(query);
        const std::wstring prefix = L"SubscriptionID=";
        if (q.compare(0, prefix.size(), prefix) != 0) return EVENT_E_QUERYSYNTAX_;
        const std::wstring id = q.substr(prefix.size());
        State& st = state();
        std::lock_guard<std::mutex> lock(st.mutex);
        ++st.remove_calls;
        if (FAILED(st.fail_remove_hr)) return st.fail_remove_hr;
        for (auto it = st.stored.begin(); it != st.stored.end(); ++it)
            if (it->id == id) {
                forget(*it);
                st.stored.erase(it);
                log_line(st, "remove", id);
                return S_OK;
            }
        return S_OK;  // nothing matched: nothing to remove
    }
    HRESULT WINAPI get_EventObjectChangeEventClassID(BSTR*) override { return E_NOTIMPL; }
    HRESULT WINAPI QueryS(BSTR, BSTR, IUnknown**) override { return E_NOTIMPL; }
    HRESULT WINAPI RemoveS(BSTR, BSTR) override { return E_NOTIMPL; }
};

template <class T>
class Factory final : public IClassFactory {
public:
    HRESULT WINAPI QueryInterface(REFIID riid, void** ppv) override {
        if (IsEqualGUID(riid, IID_IUnknown) || IsEqualGUID(riid, IID_IClassFactory)) {
            *ppv = static_cast<IClassFactory*>(this);
            return S_OK;
        }
        if (IsEqualGUID(riid, IID_IMarshal)) return query_ftm(this, &ftm_, ppv);
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG WINAPI AddRef() override { return 2; }  // static lifetime
    ULONG WINAPI Release() override { return 1; }
    HRESULT WINAPI CreateInstance(IUnknown* outer, REFIID riid, void** ppv) override {
        if (outer) return CLASS_E_NOAGGREGATION;
        T* obj = new T();
        HRESULT hr = obj->QueryInterface(riid, ppv);
        obj->Release();
        return hr;
    }
    HRESULT WINAPI LockServer(BOOL) override { return S_OK; }

private:
    IUnknown* ftm_ = nullptr;  // lives as long as the process, like the factory
};

Factory<EventSystem> g_system_factory;
Factory<Subscription> g_subscription_factory;

}  // namespace

void State::reset() {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& r : stored)
        forget(r);
    stored.clear();
    store_calls = remove_calls = fail_store_at = 0;
    fail_remove_hr = S_OK;
}

std::vector<Record> State::snapshot() {
    std::lock_guard<std::mutex> lock(mutex);
    return stored;
}

State& state() {
    static State s;
    return s;
}

Registration::Registration() {
    const DWORD ctx = CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER;
    const DWORD flags = REGCLS_MULTIPLEUSE;
    HRESULT hr = CoRegisterClassObject(pysens2::kCLSID_CEventSystem, &g_system_factory, ctx,
                                       REGCLS_MULTIPLEUSE, &system_cookie_);
    if (SUCCEEDED(hr))
        hr = CoRegisterClassObject(pysens2::kCLSID_CEventSubscription, &g_subscription_factory,
                                   ctx, flags, &subscription_cookie_);
    if (FAILED(hr)) throw std::runtime_error("CoRegisterClassObject failed");
}

Registration::~Registration() {
    if (system_cookie_) CoRevokeClassObject(system_cookie_);
    if (subscription_cookie_) CoRevokeClassObject(subscription_cookie_);
}

ComPtr<IUnknown> subscriber_for_caller(const Record& r) {
    ComPtr<IUnknown> p;
    git()->GetInterfaceFromGlobal(r.git_cookie, IID_IUnknown, reinterpret_cast<void**>(p.put()));
    return p;
}

namespace {

HRESULT call_by_dispatch(IUnknown* sub, const Record& r, BSTR user, DWORD session, bool logon2) {
    ComPtr<IDispatch> d;
    HRESULT hr = sub->QueryInterface(IID_IDispatch, reinterpret_cast<void**>(d.put()));
    if (FAILED(hr)) return hr;
    Bstr method(r.method);
    LPOLESTR names[] = {method.get()};
    DISPID id = 0;
    if (FAILED(hr = d->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id))) return hr;
    VARIANT args[2];
    VariantInit(&args[0]);
    VariantInit(&args[1]);
    UINT n = logon2 ? 2 : 1;
    if (logon2) {  // arguments in reverse order: the session id is last
        args[0].vt = VT_UI4;
        args[0].ulVal = session;
    }
    args[n - 1].vt = VT_BSTR;
    args[n - 1].bstrVal = user;
    DISPPARAMS p{args, nullptr, n, 0};
    return d->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &p, nullptr, nullptr,
                     nullptr);
}

HRESULT call_by_vtable(IUnknown* sub, const Record& r, BSTR user, DWORD session, bool logon2) {
    HRESULT hr;
    if (logon2) {
        ComPtr<ISensLogon2> s;
        if (FAILED(hr = sub->QueryInterface(pysens2::kIID_ISensLogon2,
                                            reinterpret_cast<void**>(s.put()))))
            return hr;
        if (r.method == L"Logon") return s->Logon(user, session);
        if (r.method == L"Logoff") return s->Logoff(user, session);
        if (r.method == L"SessionDisconnect") return s->SessionDisconnect(user, session);
        if (r.method == L"SessionReconnect") return s->SessionReconnect(user, session);
        if (r.method == L"PostShell") return s->PostShell(user, session);
        return DISP_E_MEMBERNOTFOUND;
    }
    ComPtr<ISensLogon> s;
    if (FAILED(hr = sub->QueryInterface(pysens2::kIID_ISensLogon,
                                        reinterpret_cast<void**>(s.put()))))
        return hr;
    if (r.method == L"StartShell") return s->StartShell(user);
    if (r.method == L"DisplayLock") return s->DisplayLock(user);
    if (r.method == L"DisplayUnlock") return s->DisplayUnlock(user);
    if (r.method == L"StartScreenSaver") return s->StartScreenSaver(user);
    if (r.method == L"StopScreenSaver") return s->StopScreenSaver(user);
    return DISP_E_MEMBERNOTFOUND;
}

}  // namespace

HRESULT publish(const std::wstring& user, DWORD session, bool via_dispatch,
                const std::wstring& method) {
    HRESULT result = S_OK;
    std::thread([&] {
        CoInitializeEx(nullptr, COINIT_MULTITHREADED);
        {
            Bstr name(user);
            const std::wstring logon2_class =
                pysens2::widen(pysens2::guid_to_string(pysens2::kSENSGUID_EVENTCLASS_LOGON2));
            for (const Record& r : state().snapshot()) {
                if (!method.empty() && r.method != method) continue;
                ComPtr<IUnknown> sub = subscriber_for_caller(r);
                HRESULT hr = E_POINTER;
                if (sub) {
                    const bool logon2 = r.event_class == logon2_class;
                    hr = via_dispatch ? call_by_dispatch(sub.get(), r, name.get(), session, logon2)
                                      : call_by_vtable(sub.get(), r, name.get(), session, logon2);
                }
                if (FAILED(hr) && result == S_OK) result = hr;
            }
        }
        CoUninitialize();
    }).join();
    return result;
}

namespace {

// One subscriber, resolved once as the Event System would cache it.
struct Target {
    ComPtr<ISensLogon2> vtable;
    ComPtr<IDispatch> dispatch;
    DISPID id = 0;
};

HRESULT resolve(IUnknown* sub, const std::wstring& method, Target& t) {
    if (SUCCEEDED(sub->QueryInterface(pysens2::kIID_ISensLogon2,
                                      reinterpret_cast<void**>(t.vtable.put()))))
        return S_OK;
    HRESULT hr = sub->QueryInterface(IID_IDispatch, reinterpret_cast<void**>(t.dispatch.put()));
    if (FAILED(hr)) return hr;
    Bstr name(method);
    LPOLESTR names[] = {name.get()};
    return t.dispatch->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &t.id);
}

HRESULT call(Target& t, const std::wstring& method, BSTR user, DWORD session) {
    if (t.vtable) {
        ISensLogon2* s = t.vtable.get();
        if (method == L"Logon") return s->Logon(user, session);
        if (method == L"Logoff") return s->Logoff(user, session);
        if (method == L"SessionDisconnect") return s->SessionDisconnect(user, session);
        if (method == L"SessionReconnect") return s->SessionReconnect(user, session);
        if (method == L"PostShell") return s->PostShell(user, session);
        return DISP_E_MEMBERNOTFOUND;
    }
    VARIANT args[2];  // reverse order: the session id is last
    VariantInit(&args[0]);
    VariantInit(&args[1]);
    args[0].vt = VT_UI4;
    args[0].ulVal = session;
    args[1].vt = VT_BSTR;
    args[1].bstrVal = user;
    DISPPARAMS p{args, nullptr, 2, 0};
    return t.dispatch->Invoke(t.id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &p, nullptr,
                              nullptr, nullptr);
}

// Waits until `due` (ns). At up to 1,000 events/s it sleeps, as the Event
// System's thread would (Sleep's millisecond may overshoot; the next event is
// then due sooner, so the rate holds on average); faster, it yields in a loop.
void wait_until(std::int64_t due, bool spin) {
    for (;;) {
        const std::int64_t left = due - pysens2::monotonic_now_ns();
        if (left <= 0) return;
        if (!spin)
            Sleep(static_cast<DWORD>((left + 999'999) / 1'000'000));
        else if (left > 2'000'000)
            Sleep(static_cast<DWORD>(left / 1'000'000 - 1));
        else
            SwitchToThread();
    }
}

}  // namespace

HRESULT publish_timed(const std::wstring& method, const std::wstring& user, int count,
                      double rate_hz, const std::atomic<bool>& cancel, TimedRun& out) {
    std::vector<Target> targets;
    for (const Record& r : state().snapshot()) {
        if (r.method != method) continue;
        ComPtr<IUnknown> sub;
        HRESULT hr = git()->GetInterfaceFromGlobal(r.git_cookie, IID_IUnknown,
                                                   reinterpret_cast<void**>(sub.put()));
        if (FAILED(hr)) return hr;
        Target t;
        hr = resolve(sub.get(), method, t);
        if (FAILED(hr)) return hr;
        targets.push_back(std::move(t));
    }
    out = TimedRun{};
    out.sent_ns.reserve(static_cast<std::size_t>(count));
    out.blocked_ns.reserve(static_cast<std::size_t>(count));
    Bstr name(user);
    const std::int64_t start = pysens2::monotonic_now_ns();
    for (int i = 0; i < count && !cancel.load(std::memory_order_relaxed); ++i) {
        if (rate_hz > 0)
            wait_until(start + static_cast<std::int64_t>(i * 1e9 / rate_hz), rate_hz > 1000);
        const std::int64_t t0 = pysens2::monotonic_now_ns();
        for (Target& t : targets) {
            const HRESULT hr = call(t, method, name.get(), static_cast<DWORD>(i));
            if (FAILED(hr) && out.failed_calls++ == 0) out.first_failure = hr;
        }
        out.sent_ns.push_back(t0);
        out.blocked_ns.push_back(pysens2::monotonic_now_ns() - t0);
    }
    return S_OK;
}

namespace {
bool running_under_wine() {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}
}  // namespace

HRESULT register_progids() {
    if (!running_under_wine()) return S_FALSE;
    const std::pair<const wchar_t*, const GUID*> classes[] = {
        {L"EventSystem.EventSystem\\CLSID", &pysens2::kCLSID_CEventSystem},
        {L"EventSystem.EventSubscription\\CLSID", &pysens2::kCLSID_CEventSubscription},
    };
    for (const auto& [key, clsid] : classes) {
        const std::wstring value = pysens2::widen(pysens2::guid_to_string(*clsid));
        HKEY k = nullptr;
        LONG rc = RegCreateKeyExW(HKEY_CLASSES_ROOT, key, 0, nullptr, 0, KEY_SET_VALUE, nullptr,
                                  &k, nullptr);
        if (rc != ERROR_SUCCESS) return HRESULT_FROM_WIN32(rc);
        rc = RegSetValueExW(k, nullptr, 0, REG_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                            static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t)));
        RegCloseKey(k);
        if (rc != ERROR_SUCCESS) return HRESULT_FROM_WIN32(rc);
    }
    return S_OK;
}

HRESULT register_test_typelibs(const std::wstring& dir) {
    if (!running_under_wine()) return S_FALSE;
    std::wstring base = dir;
    if (!base.empty() && base.back() != L'\\' && base.back() != L'/') base += L'\\';
    for (const wchar_t* name : {L"sens_events.tlb", L"event_system_test.tlb"}) {
        ITypeLib* lib = nullptr;
        HRESULT hr = LoadTypeLibEx((base + name).c_str(), REGKIND_REGISTER, &lib);
        if (FAILED(hr)) return hr;
        lib->Release();
    }
    return S_OK;
}

}  // namespace fake
