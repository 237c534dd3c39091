// Where events come from. A backend connects the monitor's sink objects to an
// event source: the COM+ Event System on Windows ("sens"), or nothing at all
// ("simulated": events come only from callers holding the sink pointers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../com/sink.hpp"

namespace pysens2 {

// The COM apartment of the backend's own thread (Windows).
enum class Apartment { Mta, Sta };

struct BackendConfig {
    EventMask mask = kAllEvents;
    Apartment apartment = Apartment::Mta;
    // PerUser subscriptions work without administrator rights; services
    // running as SYSTEM need machine-wide ones (per_user = false).
    bool per_user = true;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;
    // The session whose events a monitor keeps by default.
    virtual std::uint32_t own_session() const = 0;
    // Connects the sinks; throws ComError, leaving nothing connected, on failure.
    virtual void start(const SinkPair& sinks, const BackendConfig& config) = 0;
    // Disconnects them; always completes, then throws ComError if a step failed.
    virtual void stop() = 0;
};

struct BackendStatus {
    std::string name;
    bool available;
    std::string reason;  // why it is unavailable, or what it is
};

// Every backend this build knows, available here or not.
std::vector<BackendStatus> backend_statuses();

// "auto" picks the platform's real backend. Throws BackendUnavailable with
// the reason for a backend this platform or build lacks, std::invalid_argument
// for an unknown name.
std::unique_ptr<Backend> make_backend(const std::string& name);

}  // namespace pysens2
