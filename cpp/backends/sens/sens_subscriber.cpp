#include "sens_subscriber.hpp"

#include <optional>

#include "com/bstr.hpp"
#include "core/errors.hpp"

namespace pysens2 {
namespace {

ComError failure(const std::string& step, HRESULT hr, const std::string& hint = {}) {
    std::string sys = system_message(hr);
    std::string msg = step + " failed: " + hresult_hex(hr);
    if (!sys.empty()) msg += " " + sys;
    if (!hint.empty()) msg += " (" + hint + ")";
    return ComError(msg, static_cast<std::uint32_t>(hr), sys);
}

Bstr bstr(const std::wstring& s) { return Bstr(s); }

// What a failed Store usually means, in the user's terms.
std::string store_hint(HRESULT hr, bool per_user) {
    constexpr HRESULT kInvalidPerUserSid = static_cast<HRESULT>(0x80040207);
    constexpr HRESULT kPerUserSidNotLoggedOn = static_cast<HRESULT>(0x80040210);
    if (hr == kInvalidPerUserSid || hr == kPerUserSidNotLoggedOn)
        return "per-user subscriptions need an interactively logged-on user; a service running "
               "as SYSTEM must pass per_user=False";
    if (hr == E_ACCESSDENIED && !per_user)
        return "machine-wide subscriptions (per_user=False) need administrator rights";
    return {};
}

std::wstring method_of(Source source) {
    std::string_view m = sens_method(source)->method;
    return std::wstring(m.begin(), m.end());
}

}  // namespace

void SensSubscriber::subscribe(const SinkPair& sinks, const BackendConfig& config) {
    sinks_ = sinks;
    HRESULT hr = CoCreateInstance(kCLSID_CEventSystem, nullptr, CLSCTX_SERVER, kIID_IEventSystem,
                                  reinterpret_cast<void**>(event_system_.put()));
    if (FAILED(hr)) {
        sinks_ = SinkPair{};
        std::string hint = hr == REGDB_E_CLASSNOTREG
                               ? "the COM+ Event System is not available here: is the 'COM+ Event "
                                 "System' service installed and running?"
                               : "the COM+ Event System could not be reached";
        throw failure("CoCreateInstance(CLSID_CEventSystem)", hr, hint);
    }
    try {
        for (std::size_t t = 0; t < kEventTypeCount; ++t) {
            auto type = static_cast<EventType>(t);
            const std::optional<Source> source = sens_source_for(type);
            if (source && (config.mask & mask_of(type))) store_one(*source, config.per_user);
        }
    } catch (...) {
        try {
            unsubscribe();
        } catch (const ComError&) {
            // The store failure is the one to report.
        }
        throw;
    }
}

void SensSubscriber::store_one(Source source, bool per_user) {
    const SensMethod& info = *sens_method(source);
    const std::string method(info.method);
    auto step = [&](const char* what) { return std::string(what) + "(" + method + ")"; };

    ComPtr<IEventSubscription> sub;
    HRESULT hr = CoCreateInstance(kCLSID_CEventSubscription, nullptr, CLSCTX_SERVER,
                                  kIID_IEventSubscription, reinterpret_cast<void**>(sub.put()));
    if (FAILED(hr)) throw failure(step("CoCreateInstance(CLSID_CEventSubscription)"), hr);

    GUID id_guid;
    hr = CoCreateGuid(&id_guid);
    if (FAILED(hr)) throw failure(step("CoCreateGuid"), hr);
    const std::wstring id = widen(guid_to_string(id_guid));
    const bool logon2 = info.iface == SensInterface::Logon2;
    const std::wstring event_class = widen(
        guid_to_string(logon2 ? kSENSGUID_EVENTCLASS_LOGON2 : kSENSGUID_EVENTCLASS_LOGON));
    const std::wstring name = L"pysens2 pid " + std::to_wstring(GetCurrentProcessId()) + L" " +
                              method_of(source);
    IUnknown* subscriber = sinks_.dispatch(info.iface);

    if (FAILED(hr = sub->put_EventClassID(bstr(event_class).get())))
        throw failure(step("IEventSubscription::put_EventClassID"), hr);
    if (FAILED(hr = sub->put_MethodName(bstr(method_of(source)).get())))
        throw failure(step("IEventSubscription::put_MethodName"), hr);
    if (FAILED(hr = sub->put_SubscriberInterface(subscriber)))
        throw failure(step("IEventSubscription::put_SubscriberInterface"), hr);
    if (FAILED(hr = sub->put_PublisherID(bstr(widen(guid_to_string(kSENSGUID_PUBLISHER))).get())))
        throw failure(step("IEventSubscription::put_PublisherID"), hr);
    if (FAILED(hr = sub->put_SubscriptionID(bstr(id).get())))
        throw failure(step("IEventSubscription::put_SubscriptionID"), hr);
    if (FAILED(hr = sub->put_SubscriptionName(bstr(name).get())))
        throw failure(step("IEventSubscription::put_SubscriptionName"), hr);
    if (FAILED(hr = sub->put_PerUser(per_user ? TRUE : FALSE)))
        throw failure(step("IEventSubscription::put_PerUser"), hr);
    if (FAILED(hr = event_system_->Store(bstr(kSubscriptionProgId).get(), sub.get())))
        throw failure(step("IEventSystem::Store"), hr, store_hint(hr, per_user));
    stored_.push_back({id, source});
}

namespace {

// Remove failures that mean the subscription no longer exists: it was not
// found, or the Event System went away (transient subscriptions die with it,
// e.g. when the service restarts). Stopping then succeeds.
bool already_removed(HRESULT hr) {
    switch (static_cast<std::uint32_t>(hr)) {
        case 0x80070002u:  // HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)
        case 0x80070490u:  // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
        case 0x80010108u:  // RPC_E_DISCONNECTED
        case 0x80010007u:  // RPC_E_SERVER_DIED
        case 0x80010012u:  // RPC_E_SERVER_DIED_DNE
        case 0x800401FDu:  // CO_E_OBJNOTCONNECTED
        case 0x800706BAu:  // RPC_S_SERVER_UNAVAILABLE
        case 0x800706BEu:  // RPC_S_CALL_FAILED
        case 0x800706BFu:  // RPC_S_CALL_FAILED_DNE
        case 0x800706B5u:  // RPC_S_UNKNOWN_IF (Wine, a proxy whose server is gone)
            return true;
        default:
            return false;
    }
}

}  // namespace

void SensSubscriber::unsubscribe() {
    std::optional<ComError> first;
    for (const Stored& s : stored_) {
        int error_index = 0;
        const std::wstring query = L"SubscriptionID=" + s.id;
        HRESULT hr = event_system_->Remove(bstr(kSubscriptionProgId).get(), bstr(query).get(),
                                           &error_index);
        if (FAILED(hr) && !already_removed(hr) && !first)
            first = failure("IEventSystem::Remove(" + std::string(sens_method(s.source)->method) + ")",
                            hr);
    }
    stored_.clear();
    // Cut off any proxy the Event System (or anyone) still holds.
    if (sinks_.logon) CoDisconnectObject(sinks_.logon.get(), 0);
    if (sinks_.logon2) CoDisconnectObject(sinks_.logon2.get(), 0);
    sinks_ = SinkPair{};
    event_system_.reset();
    if (first) throw *first;
}

}  // namespace pysens2
