// The platform-neutral pieces of the backends: combining sources, the
// service source, and the WTS client address as text.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/composite_backend.hpp"
#include "backends/registry.hpp"
#include "backends/service/service_backend.hpp"
#include "backends/wts/client_address.hpp"
#include "com/sens_methods.hpp"
#include "core/errors.hpp"

using namespace pysens2;

namespace {

struct Log {
    std::vector<std::string> calls;
};

// A source that records its calls and can fail to start or stop.
struct FakeSource : Backend {
    FakeSource(const char* n, EventMask m, Log& l) : name_(n), mask_(m), log(l) {}
    const char* name() const override { return name_; }
    EventMask supported() const override { return mask_; }
    std::uint32_t own_session() const override { return 7; }
    void start(const EventInlet& in, const BackendConfig& c) override {
        log.calls.push_back(std::string("start ") + name_ + " " + std::to_string(c.mask));
        if (fail_start) throw std::runtime_error("start failed");
        inlet = in;
    }
    void stop() override {
        log.calls.push_back(std::string("stop ") + name_);
        inlet.reset();
        if (fail_stop) throw std::runtime_error(std::string("stop failed: ") + name_);
    }
    const char* name_;
    EventMask mask_;
    Log& log;
    bool fail_start = false, fail_stop = false;
    std::optional<EventInlet> inlet;
};

constexpr EventMask kLock = mask_of(EventType::DisplayLock);
constexpr EventMask kLogon = mask_of(EventType::Logon);

}  // namespace

TEST_CASE("a composite starts only the sources the asked types need, each narrowed") {
    Log log;
    auto a = std::make_unique<FakeSource>("wts", kLock | kLogon, log);
    auto b = std::make_unique<FakeSource>("sens", kLock | kLogon, log);
    FakeSource &wts = *a, &sens = *b;
    std::vector<SourceAssignment> sources;
    sources.push_back({std::move(a), kLock});   // lock from WTS only
    sources.push_back({std::move(b), kLogon});  // logon from SENS only
    auto both = make_composite_backend("both", std::move(sources));
    CHECK(both->supported() == (kLock | kLogon));
    CHECK(both->own_session() == 7);

    auto queue = std::make_shared<EventQueue>(16);
    both->start(EventInlet(queue, EventFilter{kLock | kLogon, true, 0, {}}), BackendConfig{kLock});
    CHECK(log.calls == std::vector<std::string>{"start wts " + std::to_string(kLock)});
    // The source's inlet keeps only its own types, even if it sends more.
    Event logon;
    logon.source = Source::Wts_SessionLogon;
    logon.has_session = true;
    wts.inlet->post(std::move(logon));
    Event lock;
    lock.source = Source::Wts_SessionLock;
    lock.has_session = true;
    wts.inlet->post(std::move(lock));
    CHECK(queue->size() == 1);
    both->stop();
    CHECK(log.calls.back() == "stop wts");
    CHECK_FALSE(sens.inlet);
}

TEST_CASE("a composite whose second source fails to start stops the first") {
    Log log;
    auto a = std::make_unique<FakeSource>("wts", kLock, log);
    auto b = std::make_unique<FakeSource>("sens", kLogon, log);
    b->fail_start = true;
    std::vector<SourceAssignment> sources;
    sources.push_back({std::move(a), kLock});
    sources.push_back({std::move(b), kLogon});
    auto both = make_composite_backend("both", std::move(sources));
    auto queue = std::make_shared<EventQueue>(16);
    CHECK_THROWS_WITH(both->start(EventInlet(queue, {}), BackendConfig{kLock | kLogon}),
                      "start failed");
    CHECK(log.calls.back() == "stop wts");
}

TEST_CASE("a composite stops every source even when one fails, then reports the first") {
    Log log;
    auto a = std::make_unique<FakeSource>("wts", kLock, log);
    auto b = std::make_unique<FakeSource>("sens", kLogon, log);
    a->fail_stop = b->fail_stop = true;
    std::vector<SourceAssignment> sources;
    sources.push_back({std::move(a), kLock});
    sources.push_back({std::move(b), kLogon});
    auto both = make_composite_backend("both", std::move(sources));
    auto queue = std::make_shared<EventQueue>(16);
    both->start(EventInlet(queue, {}), BackendConfig{kLock | kLogon});
    CHECK_THROWS_WITH(both->stop(), "stop failed: sens");  // last started, first stopped
    CHECK(log.calls[2] == "stop sens");
    CHECK(log.calls[3] == "stop wts");
}

TEST_CASE("every backend is listed with what it delivers") {
    auto statuses = backend_statuses();
    std::vector<std::string> names;
    for (const auto& s : statuses) names.push_back(s.name);
    CHECK(names ==
          std::vector<std::string>{"auto", "sens", "wts", "logind", "service", "simulated"});
    const EventMask wts = statuses[2].supported;
    CHECK((wts & mask_of(EventType::RemoteConnect)));
    CHECK_FALSE((wts & mask_of(EventType::StartShell)));
    CHECK((statuses[3].supported & mask_of(EventType::SystemSleep)));
#ifdef _WIN32
    // auto on Windows: every type SENS or WTS has (each from one of them).
    CHECK(statuses[0].supported == (sens_event_mask() | wts_event_mask()));
#else
    for (int i = 1; i < 3; ++i) CHECK_FALSE(statuses[i].available);
#endif
#ifdef PYSENS2_HAVE_LOGIND
    // auto on Linux is logind, available where the system bus has it.
    CHECK(statuses[0].supported == logind_event_mask());
    CHECK(statuses[0].available == statuses[3].available);
#endif
}

TEST_CASE("WTS client addresses: IPv4 two bytes in, IPv6 from the start, others none") {
    std::uint8_t v4[20] = {0, 0, 192, 168, 0, 1};
    CHECK(format_client_address(kAfInet, v4) == std::optional<std::string>("192.168.0.1"));
    std::uint8_t v6[20] = {0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    CHECK(format_client_address(kAfInet6, v6) == std::optional<std::string>("ffff::1"));
    std::uint8_t link[20] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x1a, 0x2b, 0xff, 0xfe, 0x3c, 0x4d, 0x5e};
    CHECK(format_client_address(kAfInet6, link) == std::optional<std::string>("fe80::21a:2bff:fe3c:4d5e"));
    std::uint8_t zeros[20] = {};
    CHECK(format_client_address(kAfInet6, zeros) == std::optional<std::string>("::"));
    std::uint8_t one_zero[20] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    // A single zero group is not compressed (RFC 5952).
    CHECK(format_client_address(kAfInet6, one_zero) == std::optional<std::string>("2001:db8:0:1:1:1:1:1"));
    CHECK_FALSE(format_client_address(0, v4));  // AF_UNSPEC
    CHECK_FALSE(format_client_address(6, v4));  // AF_IPX
}

TEST_CASE("the service source queues at once; the user lookup happens on its own thread") {
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    auto lookup = [&](std::uint32_t id) {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return release; });  // a slow TermService
        return std::make_pair("user" + std::to_string(id), std::string("DOM"));
    };
    auto service = make_service_backend(lookup, [] { return 0u; });
    auto queue = std::make_shared<EventQueue>(16);
    service->start(EventInlet(queue, {}), BackendConfig{});
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint32_t i = 1; i <= 3; ++i) CHECK(service->post(7, i));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    CHECK(queue->size() == 0);  // still being looked up
    {
        std::lock_guard<std::mutex> lock(m);
        release = true;
    }
    cv.notify_all();
    service->stop();  // hands on what was pending, then ends
    REQUIRE(queue->size() == 3);
    std::vector<Event> got;
    queue->close();
    CHECK(queue->pop_batch(got, 16));
    for (std::uint32_t i = 0; i < 3; ++i) {
        CHECK(got[i].source == Source::Service_SessionLock);
        CHECK(got[i].code == 7);
        CHECK(got[i].session_id == i + 1);
        CHECK(got[i].user == "user" + std::to_string(i + 1));
        CHECK(got[i].domain == "DOM");
    }
    CHECK_FALSE(service->post(7, 1));  // stopped: nothing queued
}

TEST_CASE("the service source without a lookup posts straight away; unknown codes pass") {
    auto service = make_service_backend({}, {});
    auto queue = std::make_shared<EventQueue>(16);
    service->start(EventInlet(queue, {}), BackendConfig{});
    CHECK(service->post(0x1234, 5));
    REQUIRE(queue->size() == 1);
    service->stop();
    std::vector<Event> got;
    queue->close();
    CHECK(queue->pop_batch(got, 16));
    CHECK(got[0].type() == EventType::SessionChange);
    CHECK(got[0].source == Source::Service_Other);
    CHECK(got[0].code == 0x1234);
}
