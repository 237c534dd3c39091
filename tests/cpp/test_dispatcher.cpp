#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/dispatcher.hpp"

using namespace pysens2;
using namespace std::chrono_literals;

namespace {

struct Recorder : DeliveryHandler {
    std::mutex m;
    std::vector<std::uint32_t> ids;
    std::int64_t wall_ns = 0;
    std::atomic<int> started{0}, finishing{0};
    std::chrono::milliseconds delay{0};
    void thread_started() override { ++started; }
    void thread_finishing() override { ++finishing; }
    void deliver(std::vector<Event>& batch) override {
        if (delay.count()) std::this_thread::sleep_for(delay);
        std::lock_guard<std::mutex> lock(m);
        for (auto& e : batch) {
            ids.push_back(e.session_id);
            wall_ns = e.wall_ns;
        }
    }
};

Event ev(std::uint32_t id) {
    Event e;
    e.session_id = id;
    e.monotonic_ns = monotonic_now_ns();
    return e;
}

}  // namespace

TEST_CASE("the dispatcher delivers in order and drains before it finishes") {
    auto q = std::make_shared<EventQueue>(100);
    auto r = std::make_shared<Recorder>();
    Dispatcher d(q, r, 4);
    d.start();
    for (std::uint32_t i = 0; i < 50; ++i) q->push(ev(i));
    q->close();
    CHECK(d.wait(std::nullopt));
    REQUIRE(r->ids.size() == 50);
    for (std::uint32_t i = 0; i < 50; ++i) CHECK(r->ids[i] == i);
    // The dispatcher gives each event its wall-clock time of receipt.
    const std::int64_t now = wall_now_ns();
    CHECK(r->wall_ns > now - 60'000'000'000LL);
    CHECK(r->wall_ns <= now);
    CHECK(r->started == 1);
    CHECK(r->finishing == 1);
}

TEST_CASE("wait times out while a slow delivery runs, then succeeds") {
    auto q = std::make_shared<EventQueue>(10);
    auto r = std::make_shared<Recorder>();
    r->delay = 300ms;
    Dispatcher d(q, r, 1);
    d.start();
    q->push(ev(1));
    std::this_thread::sleep_for(50ms);
    q->close();
    CHECK_FALSE(d.wait(10ms));
    CHECK(d.wait(std::nullopt));
    CHECK(d.finished());
}

TEST_CASE("wait from inside a delivery returns at once instead of deadlocking") {
    auto q = std::make_shared<EventQueue>(10);
    struct SelfStop : DeliveryHandler {
        Dispatcher* d = nullptr;
        std::shared_ptr<EventQueue> q;
        std::atomic<int> result{-1};
        void deliver(std::vector<Event>&) override {
            q->close();
            result = d->wait(std::nullopt) ? 1 : 0;
        }
    };
    auto h = std::make_shared<SelfStop>();
    h->q = q;
    Dispatcher d(q, h, 1);
    h->d = &d;
    d.start();
    q->push(ev(1));
    CHECK(d.wait(5s));
    CHECK(h->result == 0);
}

TEST_CASE("an idle dispatcher makes no deliveries") {
    auto q = std::make_shared<EventQueue>(10);
    auto r = std::make_shared<Recorder>();
    Dispatcher d(q, r, 1);
    d.start();
    std::this_thread::sleep_for(50ms);
    CHECK(r->ids.empty());
    q->close();
    CHECK(d.wait(std::nullopt));
}
