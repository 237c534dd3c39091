#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "core/event_queue.hpp"

using namespace pysens2;

static Event ev(std::uint32_t id) {
    Event e;
    e.source = Source::Logon2_Logon;
    e.has_session = true;
    e.session_id = id;
    return e;
}

TEST_CASE("a full queue refuses new events and counts them") {
    EventQueue q(2);
    CHECK(q.push(ev(1)));
    CHECK(q.push(ev(2)));
    CHECK_FALSE(q.push(ev(3)));
    CHECK(q.dropped() == 1);
    std::vector<Event> out;
    REQUIRE(q.pop_batch(out, 10));
    REQUIRE(out.size() == 2);
    CHECK(out[0].session_id == 1);
    CHECK(out[1].session_id == 2);
}

TEST_CASE("DiscardOldest keeps the newest events") {
    EventQueue q(2, EventQueue::Overflow::DiscardOldest);
    q.push(ev(1));
    q.push(ev(2));
    CHECK(q.push(ev(3)));
    CHECK(q.dropped() == 1);
    Event e;
    REQUIRE(q.pop_for(e, std::chrono::milliseconds(0)) == EventQueue::PopResult::Event);
    CHECK(e.session_id == 2);
}

TEST_CASE("close wakes a waiting consumer; queued events drain first") {
    EventQueue q(8);
    q.push(ev(7));
    q.close();
    CHECK_FALSE(q.push(ev(8)));
    std::vector<Event> out;
    CHECK(q.pop_batch(out, 10));
    CHECK(out.size() == 1);
    CHECK_FALSE(q.pop_batch(out, 10));

    EventQueue waiting(8);
    std::thread t([&] {
        std::vector<Event> b;
        CHECK_FALSE(waiting.pop_batch(b, 10));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    waiting.close();
    t.join();
}

TEST_CASE("close with discard drops queued events; reopen accepts pushes again") {
    EventQueue q(8);
    q.push(ev(1));
    q.close(true);
    CHECK(q.size() == 0);
    q.reopen();
    CHECK(q.push(ev(2)));
    CHECK(q.dropped() == 0);
}

TEST_CASE("reopen keeps what was queued and the drop count") {
    EventQueue q(1);
    q.push(ev(1));
    CHECK_FALSE(q.push(ev(2)));  // full: refused and counted
    q.close();
    q.reopen();
    CHECK(q.size() == 1);
    CHECK(q.dropped() == 1);
    Event e;
    CHECK(q.pop_for(e, std::chrono::milliseconds(5)) == EventQueue::PopResult::Event);
}

TEST_CASE("pop_for times out on an empty open queue") {
    EventQueue q(1);
    Event e;
    CHECK(q.pop_for(e, std::chrono::milliseconds(5)) == EventQueue::PopResult::Timeout);
    q.close();
    CHECK(q.pop_for(e, std::chrono::milliseconds(5)) == EventQueue::PopResult::Closed);
}

TEST_CASE("many producers: nothing lost below the bound, order kept per producer") {
    constexpr int kProducers = 8, kEach = 5000;
    EventQueue q(kProducers * kEach);
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p)
        producers.emplace_back([&, p] {
            for (int i = 0; i < kEach; ++i) {
                Event e = ev(static_cast<std::uint32_t>(i));
                e.user = std::to_string(p);
                q.push(std::move(e));
            }
        });
    std::vector<int> next(kProducers, 0);
    int received = 0;
    std::vector<Event> out;
    while (received < kProducers * kEach && q.pop_batch(out, 64)) {
        for (auto& e : out) {
            int p = std::stoi(e.user);
            CHECK(static_cast<int>(e.session_id) == next[p]);
            next[p] = static_cast<int>(e.session_id) + 1;
            ++received;
        }
    }
    for (auto& t : producers) t.join();
    CHECK(received == kProducers * kEach);
    CHECK(q.dropped() == 0);
}
