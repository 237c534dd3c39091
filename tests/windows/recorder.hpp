// A DeliveryHandler for the Windows backend tests: keeps every delivered
// event; the test thread waits for them (assertions stay on that thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "core/monitor_core.hpp"

namespace pysens2_test {

struct Recorder : pysens2::DeliveryHandler {
    std::mutex m;
    std::condition_variable cv;
    std::vector<pysens2::Event> events;
    void deliver(std::vector<pysens2::Event>& batch) override {
        std::lock_guard<std::mutex> lock(m);
        for (auto& e : batch) events.push_back(e);
        cv.notify_all();
    }
    bool wait_for(std::size_t n,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
        std::unique_lock<std::mutex> lock(m);
        return cv.wait_for(lock, timeout, [&] { return events.size() >= n; });
    }
    std::size_t count() {
        std::lock_guard<std::mutex> lock(m);
        return events.size();
    }
};

}  // namespace pysens2_test
