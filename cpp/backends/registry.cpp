// The list of backends and the choice among them.
#include <stdexcept>

#include "registry.hpp"

#include "com/sens_methods.hpp"
#include "core/errors.hpp"
#include "simulated/simulated_backend.hpp"

#ifdef PYSENS2_HAVE_SENS_BACKEND
#include "sens/sens_backend.hpp"
#endif

namespace pysens2 {
namespace {

[[maybe_unused]] const char* platform_name() {
#if defined(_WIN32)
    return "Windows";
#elif defined(__APPLE__)
    return "macOS";
#elif defined(__linux__)
    return "Linux";
#else
    return "this platform";
#endif
}

BackendStatus sens_status() {
#if defined(PYSENS2_HAVE_SENS_BACKEND)
    return {"sens", true, "SENS logon events through the COM+ Event System", sens_event_mask()};
#elif defined(_WIN32)
    return {"sens", false,
            std::string("this build of pysens2 for ") + platform_name() + " has no SENS backend",
            sens_event_mask()};
#else
    return {"sens", false,
            std::string("SENS is a Windows service; it does not exist on ") + platform_name(),
            sens_event_mask()};
#endif
}

}  // namespace

std::vector<BackendStatus> backend_statuses() {
    return {sens_status(),
            {"simulated", true, "events come only from pysens2.testing (any platform)",
             kAllEvents}};
}

std::unique_ptr<Backend> make_backend(const std::string& name) {
    if (name == "simulated") return std::make_unique<SimulatedBackend>();
    if (name == "sens" || name == "auto") {
        BackendStatus s = sens_status();
        if (!s.available) {
            std::string msg = "backend '" + name + "' is not available: " + s.reason;
            if (name == "auto")
                msg += ". There is no real session-event source here; use "
                       "backend=\"simulated\" to drive a monitor from pysens2.testing";
            throw BackendUnavailable(msg);
        }
#ifdef PYSENS2_HAVE_SENS_BACKEND
        return make_sens_backend();
#endif
    }
    throw std::invalid_argument("unknown backend '" + name +
                                "'; expected one of 'auto', 'sens', 'simulated'");
}

}  // namespace pysens2
