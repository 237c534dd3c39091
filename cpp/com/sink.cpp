#include "sink.hpp"

#include <new>
#include <string_view>
#include <utility>

#include "../core/utf16.hpp"
#include "variant_coerce.hpp"

namespace pysens2 {
namespace {

std::atomic<long> g_live_sinks{0};

const SensMethod* find_member(SensInterface iface, DISPID id) {
    for (const auto& m : kSensMethods)
        if (m.iface == iface && m.dispid == id) return &m;
    return nullptr;
}

// Case-insensitive (ASCII) match of a UTF-16 name against an ASCII name.
bool name_equals(const OLECHAR* name, std::string_view ascii) {
    std::size_t i = 0;
    for (; name[i] != 0; ++i) {
        if (i == ascii.size()) return false;
        char16_t a = static_cast<char16_t>(name[i]);
        char16_t b = static_cast<unsigned char>(ascii[i]);
        if (a >= u'A' && a <= u'Z') a = static_cast<char16_t>(a - u'A' + u'a');
        if (b >= u'A' && b <= u'Z') b = static_cast<char16_t>(b - u'A' + u'a');
        if (a != b) return false;
    }
    return i == ascii.size();
}

UINT param_count(SensInterface iface) { return iface == SensInterface::Logon2 ? 2 : 1; }

// Parameter names as sensevts.idl gives them; their DISPIDs are positions.
constexpr std::string_view kParamNames[] = {"bstrUserName", "dwSessionId"};

}  // namespace

long SinkCore::live_count() { return g_live_sinks.load(); }

SinkCore::SinkCore(SensInterface iface, EventInlet inlet)
    : iface_(iface), inlet_(std::move(inlet)) {
    g_live_sinks.fetch_add(1);
}

SinkCore::~SinkCore() { g_live_sinks.fetch_sub(1); }

const IID& SinkCore::interface_id() const {
    return iface_ == SensInterface::Logon2 ? kIID_ISensLogon2 : kIID_ISensLogon;
}

HRESULT SinkCore::deliver(Event&& event) noexcept {
    inlet_.post(std::move(event));  // a full queue counts the drop itself
    return S_OK;
}

HRESULT SinkCore::post(Source source, BSTR user, bool has_session, DWORD session_id) noexcept {
    try {
        Event e;
        e.monotonic_ns = monotonic_now_ns();  // wall_ns: the dispatcher derives it
        e.source = source;
        e.has_session = has_session;
        e.session_id = session_id;
        std::string qualified;
        if (user) append_utf8(qualified, as_utf16(user), SysStringLen(user));
        set_qualified_user(e, std::move(qualified));
        return deliver(std::move(e));
    } catch (...) {
        // A COM entry point is a boundary nothing may cross (this runs on
        // SENS's RPC thread in the user's process): the event is lost, and
        // counted as dropped.
        inlet_.count_dropped();
        return E_OUTOFMEMORY;
    }
}

HRESULT SinkCore::get_ids_of_names(REFIID riid, LPOLESTR* names, UINT count,
                                   DISPID* ids) noexcept {
    if (!IsEqualGUID(riid, IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    if (!names || !ids) return E_POINTER;
    if (count == 0) return E_INVALIDARG;
    const SensMethod* member = nullptr;
    if (names[0]) {
        for (const auto& m : kSensMethods)
            if (m.iface == iface_ && name_equals(names[0], m.method)) member = &m;
    }
    HRESULT hr = S_OK;
    ids[0] = member ? member->dispid : DISPID_UNKNOWN;
    if (!member) hr = DISP_E_UNKNOWNNAME;
    for (UINT i = 1; i < count; ++i) {
        ids[i] = DISPID_UNKNOWN;
        for (UINT p = 0; member && names[i] && p < param_count(iface_); ++p)
            if (name_equals(names[i], kParamNames[p])) ids[i] = static_cast<DISPID>(p);
        if (ids[i] == DISPID_UNKNOWN) hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
}

HRESULT SinkCore::invoke(DISPID member_id, REFIID riid, WORD flags, DISPPARAMS* params,
                         VARIANT* result, UINT* arg_err) noexcept {
    const std::int64_t mono = monotonic_now_ns();
    if (!IsEqualGUID(riid, IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    const SensMethod* member = find_member(iface_, member_id);
    if (!member || !(flags & DISPATCH_METHOD)) return DISP_E_MEMBERNOTFOUND;
    if (!params) return E_INVALIDARG;
    if (params->cNamedArgs != 0) return DISP_E_NONAMEDARGS;
    const UINT n = param_count(iface_);
    if (params->cArgs != n) return DISP_E_BADPARAMCOUNT;
    if (!params->rgvarg) return E_INVALIDARG;

    try {
        Event e;
        e.monotonic_ns = mono;
        e.source = member->source;
        // Arguments arrive last-first: the user name is rgvarg[n - 1].
        std::string qualified;
        HRESULT hr = coerce_to_utf8(params->rgvarg[n - 1], qualified);
        if (FAILED(hr)) {
            if (arg_err) *arg_err = n - 1;
            return hr;
        }
        set_qualified_user(e, std::move(qualified));
        if (n == 2) {
            hr = coerce_to_ui4(params->rgvarg[0], e.session_id);
            if (FAILED(hr)) {
                if (arg_err) *arg_err = 0;
                return hr;
            }
            e.has_session = true;
        }
        if (result) VariantInit(result);
        return deliver(std::move(e));
    } catch (...) {  // as in post()
        inlet_.count_dropped();
        return E_OUTOFMEMORY;
    }
}

#define PYSENS2_SINK_METHOD1(Cls, Name)                                  \
    HRESULT STDMETHODCALLTYPE Cls::Name(BSTR user) {                     \
        return post(Source::Logon_##Name, user, false, 0);               \
    }
#define PYSENS2_SINK_METHOD2(Cls, Name)                                  \
    HRESULT STDMETHODCALLTYPE Cls::Name(BSTR user, DWORD session) {      \
        return post(Source::Logon2_##Name, user, true, session);         \
    }

PYSENS2_SINK_METHOD1(SensLogonSink, Logon)
PYSENS2_SINK_METHOD1(SensLogonSink, Logoff)
PYSENS2_SINK_METHOD1(SensLogonSink, StartShell)
PYSENS2_SINK_METHOD1(SensLogonSink, DisplayLock)
PYSENS2_SINK_METHOD1(SensLogonSink, DisplayUnlock)
PYSENS2_SINK_METHOD1(SensLogonSink, StartScreenSaver)
PYSENS2_SINK_METHOD1(SensLogonSink, StopScreenSaver)
PYSENS2_SINK_METHOD2(SensLogon2Sink, Logon)
PYSENS2_SINK_METHOD2(SensLogon2Sink, Logoff)
PYSENS2_SINK_METHOD2(SensLogon2Sink, SessionDisconnect)
PYSENS2_SINK_METHOD2(SensLogon2Sink, SessionReconnect)
PYSENS2_SINK_METHOD2(SensLogon2Sink, PostShell)

#undef PYSENS2_SINK_METHOD1
#undef PYSENS2_SINK_METHOD2

SinkPair make_sinks(const EventInlet& inlet) {
    SinkPair pair;
    pair.logon = ComPtr<ISensLogon>::attach(new SensLogonSink(inlet));
    pair.logon2 = ComPtr<ISensLogon2>::attach(new SensLogon2Sink(inlet));
    return pair;
}

}  // namespace pysens2
