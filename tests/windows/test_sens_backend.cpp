#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "backends/registry.hpp"
#include "com/bstr.hpp"
#include "com/sink.hpp"
#include "core/errors.hpp"
#include "core/monitor_core.hpp"
#include "fake_event_system.hpp"
#include "recorder.hpp"

using namespace pysens2;
using namespace std::chrono_literals;

namespace {

using pysens2_test::Recorder;

MonitorOptions sens(EventMask mask = sens_event_mask()) {
    MonitorOptions o;
    o.mask = mask;
    o.queue_size = 10000;
    return o;
}

std::string narrow(const std::wstring& w) { return std::string(w.begin(), w.end()); }

const fake::Record* find(const std::vector<fake::Record>& v, const std::wstring& method) {
    for (auto& r : v)
        if (r.method == method) return &r;
    return nullptr;
}

void publish(const std::wstring& user, DWORD session, bool via_dispatch) {
    CHECK(fake::publish(user, session, via_dispatch) == S_OK);
}

struct Fixture {
    fake::Registration registration;
    Fixture() { fake::state().reset(); }
    ~Fixture() { fake::state().reset(); }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "start stores one well-formed subscription per event type") {
    auto rec = std::make_shared<Recorder>();
    MonitorCore m(sens(), rec, make_backend("sens"));
    m.start();
    auto stored = fake::state().snapshot();
    REQUIRE(stored.size() == 10);
    std::set<std::wstring> ids, methods;
    for (const auto& r : stored) {
        CAPTURE(narrow(r.method));
        GUID g;
        CHECK(guid_from_string(narrow(r.id), g));
        CHECK(r.id.size() == 38);
        ids.insert(r.id);
        methods.insert(r.method);
        CHECK(r.publisher == widen(guid_to_string(kSENSGUID_PUBLISHER)));
        CHECK(r.per_user == TRUE);
        CHECK(r.name.find(L"pysens2") != std::wstring::npos);
        ComPtr<IUnknown> sub = fake::subscriber_for_caller(r);
        const bool logon2 = r.method == L"Logon" || r.method == L"Logoff" ||
                            r.method == L"SessionDisconnect" || r.method == L"SessionReconnect" ||
                            r.method == L"PostShell";
        CHECK(r.event_class ==
              widen(guid_to_string(logon2 ? kSENSGUID_EVENTCLASS_LOGON2 : kSENSGUID_EVENTCLASS_LOGON)));
        void* p = nullptr;
        CHECK(sub->QueryInterface(logon2 ? kIID_ISensLogon2 : kIID_ISensLogon, &p) == S_OK);
        static_cast<IUnknown*>(p)->Release();
        CHECK(sub->QueryInterface(logon2 ? kIID_ISensLogon : kIID_ISensLogon2, &p) == E_NOINTERFACE);
    }
    CHECK(ids.size() == 10);
    CHECK(methods == std::set<std::wstring>{L"Logon", L"Logoff", L"PostShell", L"SessionDisconnect",
                                            L"SessionReconnect", L"StartShell", L"DisplayLock",
                                            L"DisplayUnlock", L"StartScreenSaver",
                                            L"StopScreenSaver"});
    m.stop(std::nullopt);
}

TEST_CASE_FIXTURE(Fixture, "only the wanted methods are subscribed; per_user can be turned off") {
    auto rec = std::make_shared<Recorder>();
    MonitorOptions o = sens(mask_of(EventType::DisplayLock) | mask_of(EventType::SessionDisconnect));
    o.per_user = false;
    MonitorCore m(o, rec, make_backend("sens"));
    m.start();
    auto stored = fake::state().snapshot();
    REQUIRE(stored.size() == 2);
    CHECK(find(stored, L"DisplayLock"));
    CHECK(find(stored, L"SessionDisconnect"));
    for (auto& r : stored) CHECK(r.per_user == FALSE);
    m.stop(std::nullopt);
}

TEST_CASE_FIXTURE(Fixture, "a publisher thread's calls arrive with the right fields, both routes") {
    auto rec = std::make_shared<Recorder>();
    MonitorCore m(sens(), rec, make_backend("sens"));
    m.start();
    const std::wstring user = L"Jos\u00e9 \u7530\u4e2d";
    publish(user, 0, false);
    publish(user, 4294967295u, true);
    REQUIRE(rec->wait_for(20));
    m.stop(std::nullopt);
    std::multiset<int> types;
    for (std::size_t i = 0; i < 20; ++i) {
        const Event& e = rec->events[i];
        types.insert(static_cast<int>(e.type()));
        CHECK(e.user == "Jos\xc3\xa9 \xe7\x94\xb0\xe4\xb8\xad");
        if (e.has_session) CHECK(e.session_id == (i < 10 ? 0u : 4294967295u));
        CHECK(e.source == sens_source_for(e.type()));
    }
    for (int t = 0; t < 10; ++t) CHECK(types.count(t) == 2);
}

TEST_CASE_FIXTURE(Fixture, "STA mode: calls reach the sink through a proxy while the pump runs") {
    auto rec = std::make_shared<Recorder>();
    MonitorOptions o = sens();
    o.apartment = Apartment::Sta;
    MonitorCore m(o, rec, make_backend("sens"));
    m.start();
    auto stored = fake::state().snapshot();
    REQUIRE(stored.size() == 10);
    // From the publisher's MTA the subscriber is a proxy, not the sink itself
    // (the sinks are plain objects: asking them for their identity is safe
    // from any thread).
    std::set<IUnknown*> sink_identities;
    {
        SinkPair sinks = dynamic_cast<SensSinkOwner&>(m.running_backend()).sens_sinks();
        for (IUnknown* s : {static_cast<IUnknown*>(sinks.logon.get()),
                            static_cast<IUnknown*>(sinks.logon2.get())}) {
            ComPtr<IUnknown> identity;
            REQUIRE(s->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(identity.put())) == S_OK);
            sink_identities.insert(identity.get());
        }
    }
    std::thread([&] {
        CoInitializeEx(nullptr, COINIT_MULTITHREADED);
        {
            ComPtr<IUnknown> sub = fake::subscriber_for_caller(stored[0]);
            ComPtr<IUnknown> identity;
            CHECK(sub->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(identity.put())) == S_OK);
            CHECK(sink_identities.count(identity.get()) == 0);
        }
        CoUninitialize();
    }).join();
    // Both routes: late-bound (IDispatch proxy) and vtable (typelib proxy),
    // several rounds, so the pump must keep serving calls.
    for (int round = 0; round < 3; ++round) {
        publish(L"sta", 7, true);
        publish(L"sta", 7, false);
    }
    CHECK(rec->wait_for(60));
    m.stop(std::nullopt);
    CHECK(rec->count() == 60);
    CHECK(fake::state().snapshot().empty());
}

TEST_CASE_FIXTURE(Fixture, "a failed Store rolls back what was stored and names the step") {
    fake::state().fail_store_at = 3;
    auto rec = std::make_shared<Recorder>();
    long sinks_before = SinkCore::live_count();
    MonitorCore m(sens(), rec, make_backend("sens"));
    try {
        m.start();
        FAIL("start() should have thrown");
    } catch (const ComError& e) {
        CHECK(e.hresult() == 0x80040207u);
        std::string what = e.what();
        CHECK(what.find("IEventSystem::Store(") != std::string::npos);
        CHECK(what.find("0x80040207") != std::string::npos);
    }
    CHECK(fake::state().snapshot().empty());
    CHECK(fake::state().remove_calls == 2);
    CHECK_FALSE(m.running());
    CHECK(SinkCore::live_count() == sinks_before);
}

TEST_CASE_FIXTURE(Fixture, "stop removes every subscription and frees the sinks, 200 times over") {
    auto rec = std::make_shared<Recorder>();
    long sinks_before = SinkCore::live_count();
    MonitorCore m(sens(), rec, make_backend("sens"));
    for (int i = 0; i < 200; ++i) {
        m.start();
        REQUIRE(fake::state().snapshot().size() == 10);
        CHECK(m.stop(std::nullopt));
        REQUIRE(fake::state().snapshot().empty());
        REQUIRE(SinkCore::live_count() == sinks_before);
    }
    CHECK(fake::state().store_calls == 2000);
    CHECK(fake::state().remove_calls == 2000);
}

TEST_CASE_FIXTURE(Fixture, "events of other sessions are dropped unless all sessions are asked for") {
    DWORD own = 0;
    ProcessIdToSessionId(GetCurrentProcessId(), &own);
    for (bool all : {false, true}) {
        CAPTURE(all);
        auto rec = std::make_shared<Recorder>();
        MonitorOptions o = sens(mask_of(EventType::Logon) | mask_of(EventType::DisplayLock));
        o.all_sessions = all;
        MonitorCore m(o, rec, make_backend("sens"));
        CHECK(m.own_session() == own);
        m.start();
        publish(L"other", own + 1, false);  // Logon of another session, and DisplayLock
        publish(L"mine", own, false);
        REQUIRE(rec->wait_for(all ? 4 : 3));
        m.stop(std::nullopt);
        std::size_t others = 0;
        for (auto& e : rec->events)
            if (e.has_session && e.session_id != own) ++others;
        CHECK(others == (all ? 1u : 0u));
        CHECK(rec->count() == (all ? 4u : 3u));
    }
}

TEST_CASE("without an Event System, start fails clearly") {
    fake::state().reset();
    auto rec = std::make_shared<Recorder>();
    MonitorCore m(sens(), rec, make_backend("sens"));
    try {
        m.start();
        FAIL("start() should have thrown");
    } catch (const ComError& e) {
        CHECK(e.hresult() == static_cast<std::uint32_t>(REGDB_E_CLASSNOTREG));
        std::string what = e.what();
        CHECK(what.find("CoCreateInstance(CLSID_CEventSystem)") != std::string::npos);
        CHECK(what.find("COM+ Event System") != std::string::npos);
    }
    CHECK_FALSE(m.running());
}

TEST_CASE_FIXTURE(Fixture, "the calling thread may be in an STA, the MTA, or without COM") {
    for (int mode : {0, 1, 2}) {
        CAPTURE(mode);
        std::thread([&] {
            if (mode == 1) REQUIRE(SUCCEEDED(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED)));
            if (mode == 2) REQUIRE(SUCCEEDED(CoInitializeEx(nullptr, COINIT_MULTITHREADED)));
            {
                auto rec = std::make_shared<Recorder>();
                MonitorCore m(sens(mask_of(EventType::DisplayUnlock)), rec, make_backend("sens"));
                m.start();
                publish(L"caller", 1, false);
                CHECK(rec->wait_for(1));
                m.stop(std::nullopt);
                CHECK(fake::state().snapshot().empty());
                if (mode == 1) {
                    // The caller's apartment is untouched: still an STA.
                    APTTYPE type;
                    APTTYPEQUALIFIER q;
                    REQUIRE(SUCCEEDED(CoGetApartmentType(&type, &q)));
                    CHECK((type == APTTYPE_STA || type == APTTYPE_MAINSTA));
                }
            }
            if (mode != 0) CoUninitialize();
        }).join();
    }
}
