// Subscribes the sinks to SENS through the COM+ Event System, one transient
// subscription per wanted method, and removes them again (DESIGN.md §3).
// Every call runs on the apartment thread.
#pragma once

#include <string>
#include <vector>

#include "com/sink.hpp"
#include "core/backend.hpp"
#include "event_system.hpp"

namespace pysens2 {

class SensSubscriber {
public:
    // Stores the subscriptions. On failure removes those already stored and
    // throws ComError naming the step, the method and the HRESULT.
    void subscribe(const SinkPair& sinks, const BackendConfig& config);
    // Removes every subscription, cuts off the sinks' remote references and
    // releases them. Tries every step, then throws ComError for the first failure.
    void unsubscribe();

private:
    void store_one(Source source, bool per_user);

    struct Stored {
        std::wstring id;
        Source source;
    };
    ComPtr<IEventSystem> event_system_;
    SinkPair sinks_;
    std::vector<Stored> stored_;
};

}  // namespace pysens2
