// The WTS backend on Wine's real window manager and message loop, with the
// WTS API itself stood in (fake_wts_api), and the state queries.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "backends/wts/session_state.hpp"
#include "backends/wts/wts_backend.hpp"
#include "core/errors.hpp"
#include "core/monitor_core.hpp"
#include "fake_wts_api.hpp"
#include "recorder.hpp"

using namespace pysens2;
using namespace std::chrono_literals;

namespace {

using pysens2_test::Recorder;

struct Fixture {
    Fixture() {
        fake_wts::state().reset();
        auto& s = fake_wts::state();
        s.sessions[1].user = L"alice";
        s.sessions[1].domain = L"CONTOSO";
        s.sessions[2].user = L"bob";
        s.sessions[2].domain = L"FABRIKAM";
        s.sessions[3] = {};  // nobody logged on: user and domain queries fail
        s.sessions[3].user.reset();
        s.sessions[3].domain.reset();
        s.own_session = 1;
    }
    ~Fixture() { fake_wts::state().reset(); }
};

MonitorOptions options(bool all_sessions) {
    MonitorOptions o;
    o.all_sessions = all_sessions;
    o.queue_size = 1000;
    return o;
}

WtsOptions fake_options() {
    WtsOptions o;
    o.api = &fake_wts::api();
    o.ready_patience = 2000ms;
    return o;
}

// Posts a WM_WTSSESSION_CHANGE from another thread, as the system would.
// (Checked here: doctest's assertions are not for other threads.)
void post(HWND hwnd, WPARAM code, LPARAM session) {
    BOOL posted = FALSE;
    std::thread([&] { posted = PostMessageW(hwnd, kWmWtsSessionChange, code, session); }).join();
    CHECK(posted);
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "every WTS code reaches the monitor typed, with session, user and domain") {
    auto rec = std::make_shared<Recorder>();
    MonitorCore m(options(true), rec, make_wts_backend(fake_options()));
    m.start();
    CHECK(fake_wts::state().register_flags == std::vector<DWORD>{NOTIFY_FOR_ALL_SESSIONS});
    HWND hwnd = wts_window_for_testing(m.running_backend());
    REQUIRE(hwnd);
    for (WPARAM code = 1; code <= 9; ++code) post(hwnd, code, 2);
    post(hwnd, 0xF, 1);  // DESKTOP_READY in a recent SDK: unknown to pysens2, passed through
    post(hwnd, 0x7, 3);  // a lock in a session nobody is logged on to
    REQUIRE(rec->wait_for(11));
    CHECK(m.stop(std::nullopt));
    const EventType expected[] = {EventType::ConsoleConnect, EventType::ConsoleDisconnect,
                                  EventType::RemoteConnect,  EventType::RemoteDisconnect,
                                  EventType::Logon,          EventType::Logoff,
                                  EventType::DisplayLock,    EventType::DisplayUnlock,
                                  EventType::RemoteControl};
    for (std::size_t i = 0; i < 9; ++i) {
        const Event& e = rec->events[i];
        CAPTURE(i);
        CHECK(e.type() == expected[i]);
        CHECK(e.code == i + 1);
        CHECK(e.source == wts_source(static_cast<std::uint32_t>(i + 1)));
        CHECK((e.has_session && e.session_id == 2));
        CHECK(e.user == "bob");
        CHECK(e.domain == "FABRIKAM");
    }
    CHECK(rec->events[9].type() == EventType::SessionChange);
    CHECK(rec->events[9].code == 0xF);
    CHECK(rec->events[9].user == "alice");
    CHECK(rec->events[10].user.empty());
    CHECK(rec->events[10].domain.empty());
}

TEST_CASE_FIXTURE(Fixture, "sessions='own' registers for this session and drops the others anyway") {
    auto rec = std::make_shared<Recorder>();
    MonitorCore m(options(false), rec, make_wts_backend(fake_options()));
    m.start();
    CHECK(fake_wts::state().register_flags == std::vector<DWORD>{NOTIFY_FOR_THIS_SESSION});
    HWND hwnd = wts_window_for_testing(m.running_backend());
    post(hwnd, 7, 2);  // RDS and Citrix send other sessions' changes regardless
    post(hwnd, 7, 1);
    post(hwnd, 8, 2);
    post(hwnd, 8, 1);
    REQUIRE(rec->wait_for(2));
    m.stop(std::nullopt);
    REQUIRE(rec->events.size() == 2);
    CHECK(rec->events[0].type() == EventType::DisplayLock);
    CHECK(rec->events[1].type() == EventType::DisplayUnlock);
    for (auto& e : rec->events) CHECK(e.session_id == 1);
}

TEST_CASE_FIXTURE(Fixture, "stop unregisters while the window exists, then destroys it") {
    auto rec = std::make_shared<Recorder>();
    for (int i = 0; i < 20; ++i) {
        MonitorCore m(options(true), rec, make_wts_backend(fake_options()));
        m.start();
        HWND hwnd = wts_window_for_testing(m.running_backend());
        CHECK(IsWindow(hwnd));
        m.stop(std::nullopt);
        CHECK_FALSE(IsWindow(hwnd));
    }
    CHECK(fake_wts::state().unregistered == 20);
    CHECK(fake_wts::state().window_alive_at_unregister);
}

TEST_CASE_FIXTURE(Fixture, "early at boot the registration is retried, within a bound") {
    auto rec = std::make_shared<Recorder>();
    fake_wts::state().not_ready_failures = 3;
    {
        MonitorCore m(options(true), rec, make_wts_backend(fake_options()));
        m.start();  // the fourth attempt succeeds
        CHECK(fake_wts::state().register_flags.size() == 4);
        m.stop(std::nullopt);
    }
    fake_wts::state().not_ready_failures = 1000000;
    WtsOptions impatient = fake_options();
    impatient.ready_patience = 300ms;
    MonitorCore m(options(true), rec, make_wts_backend(impatient));
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(m.start(), doctest::Contains("did not become ready within 300 ms"),
                         ComError);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    CHECK_FALSE(m.running());
}

TEST_CASE_FIXTURE(Fixture, "a disabled TermService is a clear error at start") {
    auto rec = std::make_shared<Recorder>();
    fake_wts::state().register_error = ERROR_SERVICE_DISABLED;
    MonitorCore m(options(true), rec, make_wts_backend(fake_options()));
    CHECK_THROWS_WITH_AS(m.start(), doctest::Contains("TermService"), ComError);
    CHECK(fake_wts::state().register_flags.size() == 1);  // not retried
}

TEST_CASE_FIXTURE(Fixture, "the lock flag: as documented, reversed on Windows 7, unknown on Vista") {
    auto& s = fake_wts::state();
    WtsState state(fake_wts::api());
    s.sessions[1].session_flags = kWtsSessionStateLock;
    s.sessions[2].session_flags = kWtsSessionStateUnlock;
    s.sessions[3].session_flags = -1;  // WTS_SESSIONSTATE_UNKNOWN
    CHECK(state.is_locked(1) == std::optional<bool>(true));
    CHECK(state.is_locked(2) == std::optional<bool>(false));
    CHECK(state.is_locked(3) == std::nullopt);
    CHECK(state.is_locked(99) == std::nullopt);  // no such session
    s.os_version = (6u << 16) | 1u;              // Windows 7 / Server 2008 R2
    CHECK(state.is_locked(1) == std::optional<bool>(false));
    CHECK(state.is_locked(2) == std::optional<bool>(true));
    s.os_version = (6u << 16) | 0u;  // Vista / 2008
    CHECK(state.is_locked(1) == std::nullopt);
}

TEST_CASE_FIXTURE(Fixture, "session records: station, remote client, times; unknowns stay unknown") {
    auto& s = fake_wts::state();
    s.sessions[2].station = L"RDP-Tcp#3";
    s.sessions[2].protocol = 2;
    s.sessions[2].client_name = L"LAPTOP-7";
    s.sessions[2].address_family = 2;
    std::uint8_t v4[] = {0, 0, 10, 1, 2, 3};
    std::memcpy(s.sessions[2].address, v4, sizeof v4);
    s.sessions[2].logon_ticks = 116444736000000000 + 10000000;  // 1970-01-01T00:00:01Z
    s.sessions[1].address_family = 23;
    std::uint8_t v6[] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    std::memcpy(s.sessions[1].address, v6, sizeof v6);
    WtsState state(fake_wts::api());
    auto all = state.sessions();
    REQUIRE(all.size() == 3);
    const SessionRecord& rdp = all[1];
    CHECK(rdp.session_id == 2);
    CHECK(rdp.station == "RDP-Tcp#3");
    CHECK(rdp.remote);
    CHECK(rdp.client_name == "LAPTOP-7");
    CHECK(rdp.client_address == std::optional<std::string>("10.1.2.3"));
    CHECK(rdp.logon_ns == std::optional<std::int64_t>(1000000000));
    CHECK(rdp.state == WTSActive);
    CHECK(all[0].client_address == std::optional<std::string>("fe80::1"));
    CHECK_FALSE(all[0].remote);
    CHECK_FALSE(all[0].logon_ns);
    CHECK(all[2].user.empty());  // NULL user and domain: nobody logged on
    CHECK(all[2].domain.empty());
}

TEST_CASE_FIXTURE(Fixture, "the console session: retried while detached, None without a user") {
    auto& s = fake_wts::state();
    WtsState state(fake_wts::api());
    s.console_ids = {0xFFFFFFFFu, 0xFFFFFFFFu, 2};
    CHECK(state.console_session_id(2000ms) == std::optional<std::uint32_t>(2));
    s.console_ids = {0xFFFFFFFFu};
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(state.console_session_id(200ms) == std::nullopt);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    s.console_ids = {3};  // the logon screen's session: nobody logged on
    CHECK(state.console_session_id(200ms) == std::nullopt);
}

TEST_CASE_FIXTURE(Fixture, "queries when TermService is down: a clear error, or unknown") {
    auto& s = fake_wts::state();
    s.termservice_down = true;
    WtsState state(fake_wts::api());
    CHECK_THROWS_WITH_AS(state.sessions(), doctest::Contains("TermService"), ComError);
    CHECK(state.is_locked(1) == std::nullopt);
    CHECK(state.current_session_id() == 1);  // ProcessIdToSessionId needs no TermService
    const SessionRecord r = state.session(1);
    CHECK(r.user.empty());
    CHECK(r.state == -1);
    CHECK(r.locked == std::nullopt);
}

TEST_CASE_FIXTURE(Fixture, "idle time survives the 49.7-day tick wrap") {
    auto& s = fake_wts::state();
    WtsState state(fake_wts::api());
    s.last_input_tick = 1000;
    s.tick_now = 4500;
    CHECK(state.idle_seconds() == doctest::Approx(3.5));
    s.last_input_tick = 0xFFFFFF00u;  // input just before the wrap
    s.tick_now = 0x00000100u;         // now just after it
    CHECK(state.idle_seconds() == doctest::Approx(0.512));
}

TEST_CASE("against Wine's own wtsapi32: whatever it implements works or fails cleanly") {
    WtsState state;  // the system's API
    DWORD own = 0;
    REQUIRE(ProcessIdToSessionId(GetCurrentProcessId(), &own));
    CHECK(state.current_session_id() == own);
    CHECK(state.idle_seconds() >= 0.0);
    try {
        for (const SessionRecord& r : state.sessions()) CHECK(r.session_id < 0x10000u);
    } catch (const ComError& e) {
        MESSAGE("WTSEnumerateSessionsW under Wine: " << e.what());
    }
    (void)state.is_locked(own);
    (void)state.console_session_id(100ms);
    auto rec = std::make_shared<Recorder>();
    MonitorOptions o;
    try {
        MonitorCore m(o, rec, make_wts_backend());
        m.start();
        HWND hwnd = wts_window_for_testing(m.running_backend());
        post(hwnd, 7, own);
        CHECK(rec->wait_for(1));
        CHECK(m.stop(std::nullopt));
        CHECK(rec->events[0].type() == EventType::DisplayLock);
    } catch (const ComError& e) {
        MESSAGE("WTSRegisterSessionNotification under Wine: " << e.what());
    }
}
