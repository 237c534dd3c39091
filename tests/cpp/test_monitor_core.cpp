#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "backends/registry.hpp"
#include "backends/simulated/simulated_backend.hpp"
#include "core/errors.hpp"
#include "core/monitor_core.hpp"

using namespace pysens2;
using namespace std::chrono_literals;

namespace {
struct Counter : DeliveryHandler {
    std::atomic<int> n{0};
    std::atomic<int> starting_calls{0};
    void starting() override { ++starting_calls; }
    void deliver(std::vector<Event>& batch) override { n += static_cast<int>(batch.size()); }
};

MonitorOptions simulated(EventMask mask = kAllEvents) {
    MonitorOptions o;
    o.mask = mask;
    o.queue_size = 1000;
    return o;
}

std::unique_ptr<Backend> sim() { return std::make_unique<SimulatedBackend>(); }

// The running simulated backend's sink objects.
SinkPair sinks_of(MonitorCore& m) {
    return dynamic_cast<SensSinkOwner&>(m.running_backend()).sens_sinks();
}
}  // namespace

TEST_CASE("start, fire through the sinks, stop: events arrive and sinks are freed") {
    long before = SinkCore::live_count();
    auto h = std::make_shared<Counter>();
    MonitorCore m(simulated(), h, sim());
    CHECK_FALSE(m.running());
    CHECK_THROWS_AS(sinks_of(m), StateError);
    m.start();
    CHECK(m.running());
    CHECK_THROWS_AS(m.start(), StateError);
    {
        SinkPair s = sinks_of(m);
        for (int i = 0; i < 10; ++i) s.logon2->Logon(nullptr, 0);
    }
    CHECK(m.stop(std::nullopt));
    CHECK(h->n == 10);
    CHECK(SinkCore::live_count() == before);
    CHECK(m.stop(std::nullopt));  // stopping again is a no-op
}

TEST_CASE("a sink reference kept after stop is harmless: its events go nowhere") {
    auto h = std::make_shared<Counter>();
    MonitorCore m(simulated(), h, sim());
    m.start();
    SinkPair kept = sinks_of(m);
    m.stop(std::nullopt);
    CHECK(kept.logon->DisplayLock(nullptr) == S_OK);
    CHECK(h->n == 0);
}

TEST_CASE("restart works many times and calls starting() each time") {
    auto h = std::make_shared<Counter>();
    MonitorCore m(simulated(), h, sim());
    for (int i = 0; i < 200; ++i) {
        m.start();
        sinks_of(m).logon->DisplayUnlock(nullptr);
        CHECK(m.stop(std::nullopt));
    }
    CHECK(h->n == 200);
    CHECK(h->starting_calls == 200);
}

TEST_CASE("the mask keeps unwanted events out of the queue") {
    auto h = std::make_shared<Counter>();
    MonitorCore m(simulated(mask_of(EventType::DisplayLock)), h, sim());
    m.start();
    SinkPair s = sinks_of(m);
    s.logon->DisplayUnlock(nullptr);
    s.logon->DisplayLock(nullptr);
    m.stop(std::nullopt);
    CHECK(h->n == 1);
}

TEST_CASE("unknown and unavailable backends fail with a reason") {
    CHECK_THROWS_AS(make_backend("bogus"), std::invalid_argument);
#ifndef PYSENS2_HAVE_SENS_BACKEND
    CHECK_THROWS_AS(make_backend("sens"), BackendUnavailable);
    try {
        make_backend("auto");
        FAIL("auto must not fall back silently");
    } catch (const BackendUnavailable& e) {
        CHECK(std::string(e.what()).find("simulated") != std::string::npos);
    }
#endif
}

TEST_CASE("a monitor asked for types its backend cannot deliver fails, naming them") {
    struct SensOnly : Backend {
        const char* name() const override { return "lock-only"; }
        EventMask supported() const override {
            return mask_of(EventType::DisplayLock) | mask_of(EventType::DisplayUnlock);
        }
        std::uint32_t own_session() const override { return 0; }
        void start(const EventInlet&, const BackendConfig&) override {}
        void stop() override {}
    };
    auto h = std::make_shared<Counter>();
    try {
        MonitorCore m(simulated(mask_of(EventType::DisplayLock) | mask_of(EventType::RemoteConnect)),
                      h, std::make_unique<SensOnly>());
        FAIL("must refuse REMOTE_CONNECT");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()) ==
              "backend 'lock-only' cannot deliver REMOTE_CONNECT; it delivers DISPLAY_LOCK, "
              "DISPLAY_UNLOCK");
    }
    MonitorOptions all = simulated();
    all.mask.reset();  // not given: everything the backend delivers
    MonitorCore m(all, h, std::make_unique<SensOnly>());
    CHECK(m.mask() == (mask_of(EventType::DisplayLock) | mask_of(EventType::DisplayUnlock)));
}

TEST_CASE("concurrent stop calls from several threads all return") {
    auto h = std::make_shared<Counter>();
    MonitorCore m(simulated(), h, sim());
    m.start();
    std::vector<std::thread> ts;
    for (int i = 0; i < 8; ++i) ts.emplace_back([&] { m.stop(std::nullopt); });
    for (auto& t : ts) t.join();
    CHECK_FALSE(m.running());
}

TEST_CASE("concurrent start and stop never run two dispatchers at once") {
    struct Overlap : DeliveryHandler {
        std::atomic<int> live{0}, most{0};
        void thread_started() override {
            int now = ++live;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        void thread_finishing() override {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
            --live;
        }
        void deliver(std::vector<Event>&) override {}
    };
    auto h = std::make_shared<Overlap>();
    MonitorCore m(simulated(), h, sim());
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                try {
                    m.start();
                } catch (const StateError&) {
                    // already running: another thread started it
                }
                m.stop(std::chrono::milliseconds(1));
            }
        });
    for (auto& t : ts) t.join();
    m.stop(std::nullopt);
    CHECK(h->most == 1);
}

namespace {

// A backend whose start and stop fail on request; fire() is its one event.
struct FlakyBackend : Backend {
    std::atomic<int> starts{0}, stops{0};
    bool fail_start = false;
    bool fail_stop = false;
    std::optional<EventInlet> inlet;
    const char* name() const override { return "flaky"; }
    EventMask supported() const override { return kAllEvents; }
    std::uint32_t own_session() const override { return 0; }
    void start(const EventInlet& in, const BackendConfig&) override {
        if (fail_start) throw ComError("injected start failure", 0x80004005u);
        inlet = in;
        ++starts;
    }
    void stop() override {
        ++stops;
        inlet.reset();
        if (fail_stop) throw std::runtime_error("injected stop failure");
    }
};

void fire(MonitorCore& m) {
    Event e;
    e.source = Source::Logon_DisplayLock;
    dynamic_cast<FlakyBackend&>(m.running_backend()).inlet->post(std::move(e));
}

struct FailingStart : Counter {
    bool fail = false;
    void starting() override {
        Counter::starting();
        if (fail) throw std::runtime_error("injected failure after the backend started");
    }
};

}  // namespace

TEST_CASE("a backend that fails to start leaves nothing running, and start can be retried") {
    auto h = std::make_shared<Counter>();
    auto backend = std::make_unique<FlakyBackend>();
    FlakyBackend& b = *backend;
    MonitorCore m(simulated(), h, std::move(backend));
    b.fail_start = true;
    CHECK_THROWS_AS(m.start(), ComError);
    CHECK_FALSE(m.running());
    CHECK_THROWS_AS(m.running_backend(), StateError);
    b.fail_start = false;
    m.start();
    fire(m);
    CHECK(m.stop(std::nullopt));
    CHECK(h->n == 1);
}

TEST_CASE("a failure after the backend started disconnects it again") {
    auto h = std::make_shared<FailingStart>();
    auto backend = std::make_unique<FlakyBackend>();
    FlakyBackend& b = *backend;
    MonitorCore m(simulated(), h, std::move(backend));
    h->fail = true;
    CHECK_THROWS_AS(m.start(), std::runtime_error);
    CHECK(b.starts == 1);
    CHECK(b.stops == 1);  // not left subscribed
    CHECK_FALSE(m.running());
    CHECK(m.stop(std::nullopt));  // nothing to stop: no second backend stop
    CHECK(b.stops == 1);
    h->fail = false;
    m.start();  // a retried start works (no joinable thread overwritten)
    fire(m);
    CHECK(m.stop(std::nullopt));
    CHECK(h->n == 1);
}

TEST_CASE("any exception from the backend's stop still closes the queue; restart works") {
    auto h = std::make_shared<Counter>();
    auto backend = std::make_unique<FlakyBackend>();
    FlakyBackend& b = *backend;
    MonitorCore m(simulated(), h, std::move(backend));
    m.start();
    fire(m);
    b.fail_stop = true;
    CHECK_THROWS_AS(m.stop(std::nullopt), std::runtime_error);
    CHECK_FALSE(m.running());
    CHECK(h->n == 1);  // what was queued was delivered
    b.fail_stop = false;
    m.start();  // would wait forever if the queue had been left open
    fire(m);
    CHECK(m.stop(std::nullopt));
    CHECK(h->n == 2);
}

TEST_CASE("running() does not wait for a start in progress") {
    struct SlowBackend : FlakyBackend {
        std::atomic<bool> inside{false};
        void start(const EventInlet& s, const BackendConfig& c) override {
            inside = true;
            std::this_thread::sleep_for(500ms);
            FlakyBackend::start(s, c);
        }
    };
    auto h = std::make_shared<Counter>();
    auto backend = std::make_unique<SlowBackend>();
    SlowBackend& b = *backend;
    MonitorCore m(simulated(), h, std::move(backend));
    std::thread starter([&] { m.start(); });
    while (!b.inside) std::this_thread::sleep_for(1ms);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(m.running());
    CHECK_FALSE(m.on_dispatcher_thread());
    CHECK(std::chrono::steady_clock::now() - t0 < 250ms);
    starter.join();
    CHECK(m.running());
    m.stop(std::nullopt);
}
