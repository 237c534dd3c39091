#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "com/sink.hpp"
#include "helpers.hpp"

using namespace pysens2;

namespace {

struct Fixture {
    std::shared_ptr<EventQueue> queue = std::make_shared<EventQueue>(1024);
    SinkPair sinks;
    explicit Fixture(EventFilter filter = {}) : sinks(make_sinks(EventInlet(queue, filter))) {}

    std::vector<Event> drain() {
        std::vector<Event> all, batch;
        queue->close();
        while (queue->pop_batch(batch, 64))
            for (auto& e : batch) all.push_back(std::move(e));
        return all;
    }
};

HRESULT invoke(IDispatch* d, DISPID id, std::vector<VARIANT> args, UINT* arg_err = nullptr,
               WORD flags = DISPATCH_METHOD) {
    DISPPARAMS p = test::params(args);
    VARIANT result;
    VariantInit(&result);
    result.vt = VT_I4;  // Invoke must reset it
    HRESULT hr = d->Invoke(id, IID_NULL, 0, flags, &p, &result, nullptr, arg_err);
    if (SUCCEEDED(hr)) CHECK(result.vt == VT_EMPTY);
    return hr;
}

}  // namespace

TEST_CASE("QueryInterface: IUnknown, IDispatch and the SENS interface, one identity") {
    Fixture f;
    for (IUnknown* obj : {static_cast<IUnknown*>(f.sinks.logon.get()),
                          static_cast<IUnknown*>(f.sinks.logon2.get())}) {
        const IID& own = obj == static_cast<IUnknown*>(f.sinks.logon.get()) ? kIID_ISensLogon
                                                                              : kIID_ISensLogon2;
        const IID& other = &own == &kIID_ISensLogon ? kIID_ISensLogon2 : kIID_ISensLogon;
        void* unk = nullptr;
        REQUIRE(obj->QueryInterface(IID_IUnknown, &unk) == S_OK);
        for (const IID* iid : {&IID_IUnknown, &IID_IDispatch, &own}) {
            void* p = nullptr;
            REQUIRE(obj->QueryInterface(*iid, &p) == S_OK);
            void* unk2 = nullptr;
            static_cast<IUnknown*>(p)->QueryInterface(IID_IUnknown, &unk2);
            CHECK(unk2 == unk);  // COM identity
            static_cast<IUnknown*>(unk2)->Release();
            static_cast<IUnknown*>(p)->Release();
        }
        void* p = reinterpret_cast<void*>(1);
        CHECK(obj->QueryInterface(other, &p) == E_NOINTERFACE);
        CHECK(p == nullptr);
        CHECK(obj->QueryInterface(IID_NULL, &p) == E_NOINTERFACE);
        CHECK(obj->QueryInterface(IID_IUnknown, nullptr) == E_POINTER);
        static_cast<IUnknown*>(unk)->Release();
    }
}

TEST_CASE("reference counting frees the object at zero and not before") {
    auto queue = std::make_shared<EventQueue>(4);
    long before = SinkCore::live_count();
    {
        SinkPair s = make_sinks(EventInlet(queue, {}));
        CHECK(SinkCore::live_count() == before + 2);
        CHECK(s.logon->AddRef() == 2);
        CHECK(s.logon->Release() == 1);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 10000; ++i) {
                    s.logon2->AddRef();
                    s.logon2->Release();
                }
            });
        for (auto& t : threads) t.join();
        CHECK(s.logon2->AddRef() == 2);
        CHECK(s.logon2->Release() == 1);
        CHECK(SinkCore::live_count() == before + 2);
    }
    CHECK(SinkCore::live_count() == before);
}

TEST_CASE("every vtable method queues its event with the right fields") {
    Fixture f;
    test::Bstr user(u"Ren\u00e9e");
    ISensLogon* a = f.sinks.logon.get();
    ISensLogon2* b = f.sinks.logon2.get();
    CHECK(a->Logon(user.get()) == S_OK);
    CHECK(a->Logoff(user.get()) == S_OK);
    CHECK(a->StartShell(user.get()) == S_OK);
    CHECK(a->DisplayLock(user.get()) == S_OK);
    CHECK(a->DisplayUnlock(user.get()) == S_OK);
    CHECK(a->StartScreenSaver(user.get()) == S_OK);
    CHECK(a->StopScreenSaver(user.get()) == S_OK);
    CHECK(b->Logon(user.get(), 0) == S_OK);
    CHECK(b->Logoff(user.get(), 1) == S_OK);
    CHECK(b->SessionDisconnect(user.get(), 2) == S_OK);
    CHECK(b->SessionReconnect(user.get(), 3) == S_OK);
    CHECK(b->PostShell(user.get(), 4294967295u) == S_OK);
    std::vector<Event> got = f.drain();
    REQUIRE(got.size() == kSensMethodCount);
    for (std::size_t i = 0; i < kSensMethodCount; ++i) {
        CAPTURE(i);
        CHECK(got[i].source == static_cast<Source>(i));
        CHECK(got[i].user == "Ren\xc3\xa9" "e");
        CHECK(got[i].monotonic_ns > 0);
        bool logon2 = sens_method(got[i].source)->iface == SensInterface::Logon2;
        CHECK(got[i].has_session == logon2);
    }
    CHECK(got[7].session_id == 0);
    CHECK(got[11].session_id == 4294967295u);
}

TEST_CASE("a NULL BSTR is the empty name; embedded NULs and 64 KiB names survive") {
    Fixture f;
    f.sinks.logon2->Logon(nullptr, 5);
    std::u16string nul = u"a";
    nul.push_back(0);
    nul += u"b";
    test::Bstr with_nul(nul);
    f.sinks.logon2->Logon(with_nul.get(), 5);
    test::Bstr big(std::u16string(32768, u'x'));
    f.sinks.logon->DisplayLock(big.get());
    auto got = f.drain();
    REQUIRE(got.size() == 3);
    CHECK(got[0].user.empty());
    CHECK(got[1].user == std::string("a\0b", 3));
    CHECK(got[2].user.size() == 32768);
}

TEST_CASE("GetIDsOfNames maps names case-insensitively to the DISPIDs") {
    Fixture f;
    auto id_of = [](IDispatch* d, const char16_t* name, DISPID& id) {
        std::u16string n(name);
        LPOLESTR names[] = {reinterpret_cast<LPOLESTR>(n.data())};
        return d->GetIDsOfNames(IID_NULL, names, 1, 0, &id);
    };
    DISPID id = 0;
    struct Case {
        IDispatch* d;
        const char16_t* name;
        DISPID id;
    };
    std::vector<Case> cases = {
        {f.sinks.logon.get(), u"Logon", 1},          {f.sinks.logon.get(), u"logoff", 2},
        {f.sinks.logon.get(), u"STARTSHELL", 3},     {f.sinks.logon.get(), u"DisplayLock", 4},
        {f.sinks.logon.get(), u"displayunlock", 5},  {f.sinks.logon.get(), u"StartScreenSaver", 6},
        {f.sinks.logon.get(), u"StopScreenSaver", 7}, {f.sinks.logon2.get(), u"Logon", 1},
        {f.sinks.logon2.get(), u"Logoff", 2},        {f.sinks.logon2.get(), u"sessiondisconnect", 3},
        {f.sinks.logon2.get(), u"SessionReconnect", 4}, {f.sinks.logon2.get(), u"PostShell", 5},
    };
    for (auto& c : cases) {
        CHECK(id_of(c.d, c.name, id) == S_OK);
        CHECK(id == c.id);
    }
    CHECK(id_of(f.sinks.logon2.get(), u"DisplayLock", id) == DISP_E_UNKNOWNNAME);
    CHECK(id == DISPID_UNKNOWN);
    CHECK(id_of(f.sinks.logon.get(), u"Logo", id) == DISP_E_UNKNOWNNAME);

    std::u16string m = u"PostShell", p1 = u"BSTRUSERNAME", p2 = u"dwSessionId", p3 = u"nope";
    LPOLESTR names[] = {reinterpret_cast<LPOLESTR>(m.data()), reinterpret_cast<LPOLESTR>(p1.data()),
                        reinterpret_cast<LPOLESTR>(p2.data()), reinterpret_cast<LPOLESTR>(p3.data())};
    DISPID ids[4];
    CHECK(f.sinks.logon2->GetIDsOfNames(IID_NULL, names, 3, 0, ids) == S_OK);
    CHECK(ids[1] == 0);
    CHECK(ids[2] == 1);
    CHECK(f.sinks.logon2->GetIDsOfNames(IID_NULL, names, 4, 0, ids) == DISP_E_UNKNOWNNAME);
    CHECK(ids[3] == DISPID_UNKNOWN);
    CHECK(f.sinks.logon2->GetIDsOfNames(kIID_ISensLogon2, names, 1, 0, ids) ==
          DISP_E_UNKNOWNINTERFACE);
}

TEST_CASE("Invoke delivers every DISPID with arguments in reverse order") {
    Fixture f;
    test::Bstr user(u"bob");
    for (DISPID id = 1; id <= 7; ++id)
        CHECK(invoke(f.sinks.logon.get(), id, {test::bstr_variant(user.get())}) == S_OK);
    for (DISPID id = 1; id <= 5; ++id)
        CHECK(invoke(f.sinks.logon2.get(), id,
                     {test::int_variant(VT_I4, 40 + id), test::bstr_variant(user.get())}) == S_OK);
    auto got = f.drain();
    REQUIRE(got.size() == kSensMethodCount);
    for (std::size_t i = 0; i < kSensMethodCount; ++i) {
        CHECK(got[i].source == static_cast<Source>(i));
        CHECK(got[i].user == "bob");
    }
    CHECK(got[10].session_id == 44);  // SessionReconnect, DISPID 4
}

TEST_CASE("Invoke reports the standard errors and queues nothing for them") {
    Fixture f;
    test::Bstr user(u"eve");
    IDispatch* d2 = f.sinks.logon2.get();
    IDispatch* d1 = f.sinks.logon.get();
    UINT arg_err = 99;

    CHECK(invoke(d1, 8, {test::bstr_variant(user.get())}) == DISP_E_MEMBERNOTFOUND);
    CHECK(invoke(d2, 6, {test::int_variant(VT_I4, 1), test::bstr_variant(user.get())}) ==
          DISP_E_MEMBERNOTFOUND);
    CHECK(invoke(d2, 0, {}) == DISP_E_MEMBERNOTFOUND);
    CHECK(invoke(d1, 1, {test::bstr_variant(user.get())}, nullptr, DISPATCH_PROPERTYGET) ==
          DISP_E_MEMBERNOTFOUND);
    CHECK(invoke(d2, 1, {test::bstr_variant(user.get())}) == DISP_E_BADPARAMCOUNT);
    CHECK(invoke(d1, 1, {}) == DISP_E_BADPARAMCOUNT);
    CHECK(invoke(d1, 1, {test::bstr_variant(user.get()), test::bstr_variant(user.get())}) ==
          DISP_E_BADPARAMCOUNT);

    CHECK(invoke(d2, 1, {test::int_variant(VT_I4, -1), test::bstr_variant(user.get())},
                 &arg_err) == DISP_E_OVERFLOW);
    CHECK(arg_err == 0);
    arg_err = 99;
    CHECK(invoke(d2, 1, {test::int_variant(VT_I4, 1), test::int_variant(VT_NULL, 0)}, &arg_err) ==
          DISP_E_TYPEMISMATCH);
    CHECK(arg_err == 1);
    arg_err = 99;
    CHECK(invoke(d1, 1, {test::int_variant(VT_UNKNOWN, 0)}, &arg_err) == DISP_E_TYPEMISMATCH);
    CHECK(arg_err == 0);

    std::vector<VARIANT> args = {test::bstr_variant(user.get())};
    DISPID named = 0;
    DISPPARAMS p{args.data(), &named, 1, 1};
    CHECK(d1->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &p, nullptr, nullptr, nullptr) ==
          DISP_E_NONAMEDARGS);
    CHECK(d1->Invoke(1, kIID_ISensLogon, 0, DISPATCH_METHOD, &p, nullptr, nullptr, nullptr) ==
          DISP_E_UNKNOWNINTERFACE);
    CHECK(d1->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, nullptr, nullptr, nullptr, nullptr) ==
          E_INVALIDARG);

    CHECK(f.drain().empty());
}

TEST_CASE("Invoke coerces a numeric user name and a string session id") {
    Fixture f;
    test::Bstr sid(u"17");
    CHECK(invoke(f.sinks.logon2.get(), 3, {test::bstr_variant(sid.get()), test::int_variant(VT_I2, 5)}) ==
          S_OK);
    auto got = f.drain();
    REQUIRE(got.size() == 1);
    CHECK(got[0].user == "5");
    CHECK(got[0].session_id == 17);
}

TEST_CASE("type information is absent but answered correctly") {
    Fixture f;
    UINT n = 5;
    CHECK(f.sinks.logon->GetTypeInfoCount(&n) == S_OK);
    CHECK(n == 0);
    CHECK(f.sinks.logon->GetTypeInfoCount(nullptr) == E_POINTER);
    ITypeInfo* info = reinterpret_cast<ITypeInfo*>(1);
    CHECK(f.sinks.logon->GetTypeInfo(0, 0, &info) == DISP_E_BADINDEX);
    CHECK(info == nullptr);
}

TEST_CASE("the filter keeps only wanted types and, if asked, the own session") {
    EventFilter filter{mask_of(EventType::SessionDisconnect) | mask_of(EventType::DisplayLock),
                       false, 3, {}};
    Fixture f(filter);
    f.sinks.logon2->Logon(nullptr, 3);              // type not wanted
    f.sinks.logon2->SessionDisconnect(nullptr, 4);  // other session
    f.sinks.logon2->SessionDisconnect(nullptr, 3);
    f.sinks.logon->DisplayLock(nullptr);  // no session id: always kept
    auto got = f.drain();
    REQUIRE(got.size() == 2);
    CHECK(got[0].source == Source::Logon2_SessionDisconnect);
    CHECK(got[1].source == Source::Logon_DisplayLock);
}

TEST_CASE("a full queue makes the sink drop and count, never block") {
    auto queue = std::make_shared<EventQueue>(3);
    SinkPair s = make_sinks(EventInlet(queue, {}));
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) CHECK(s.logon->DisplayLock(nullptr) == S_OK);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(queue->size() == 3);
    CHECK(queue->dropped() == 997);
}
