// The list of backends and the choice among them.
#include "registry.hpp"

#include <optional>
#include <stdexcept>

#include "com/sens_methods.hpp"
#include "core/errors.hpp"
#include "service/service_backend.hpp"
#include "simulated/simulated_backend.hpp"

#ifdef PYSENS2_HAVE_LOGIND
#include "logind/logind_backend.hpp"
#endif

#ifdef _WIN32
#include "composite_backend.hpp"
#include "sens/sens_backend.hpp"
#include "wts/session_state.hpp"
#include "wts/wts_backend.hpp"
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

// Under "auto", WTS delivers lock and unlock (SENS's do not hold under Remote
// Desktop or Fast User Switching, and carry no session id) and the types
// only it has; SENS the rest. Each type comes from exactly one source.
[[maybe_unused]] EventMask auto_wts_types() {
    return wts_event_mask() & ~(mask_of(EventType::Logon) | mask_of(EventType::Logoff));
}
[[maybe_unused]] EventMask auto_sens_types() { return sens_event_mask() & ~auto_wts_types(); }

BackendStatus windows_only(const char* name, const char* what, EventMask mask) {
#ifdef _WIN32
    return {name, true, what, mask};
#else
    return {name, false,
            std::string(what) + "; a Windows facility, which does not exist on " + platform_name(),
            mask};
#endif
}

BackendStatus sens_status() {
    return windows_only("sens", "SENS logon events through the COM+ Event System",
                        sens_event_mask());
}
BackendStatus wts_status() {
    return windows_only("wts", "WM_WTSSESSION_CHANGE session notifications (WTS)",
                        wts_event_mask());
}
BackendStatus logind_status() {
#ifdef PYSENS2_HAVE_LOGIND
    const std::optional<std::string> why = logind_unavailable_reason();
    if (why) return {"logind", false, *why, logind_event_mask()};
    return {"logind", true, "systemd-logind's sessions, lock, idle, sleep on the system bus",
            logind_event_mask()};
#else
    return {"logind", false,
            std::string("systemd-logind is a Linux service; it does not exist on ") +
                platform_name(),
            logind_event_mask()};
#endif
}

BackendStatus auto_status() {
#ifdef PYSENS2_HAVE_LOGIND
    BackendStatus s = logind_status();
    s.name = "auto";
    if (s.available) s.reason = "logind (" + s.reason + ")";
    return s;
#else
    return windows_only("auto", "SENS and WTS combined: each event type from one of them",
                        auto_sens_types() | auto_wts_types());
#endif
}

}  // namespace

std::unique_ptr<Backend> service_backend() {
#ifdef _WIN32
    return make_service_backend([](std::uint32_t id) { return WtsState().user_of(id); },
                                [] { return WtsState().current_session_id(); });
#else
    return make_service_backend({}, {});
#endif
}

std::vector<BackendStatus> backend_statuses() {
    return {auto_status(), sens_status(), wts_status(), logind_status(),
            {"service", true,
             "session changes a Windows service hands over (SERVICE_CONTROL_SESSIONCHANGE)",
             wts_event_mask()},
            {"simulated", true, "events come only from pysens2.testing (any platform)",
             kAllEvents}};
}

std::unique_ptr<Backend> make_backend(const std::string& name) {
    if (name == "simulated") return std::make_unique<SimulatedBackend>();
    if (name == "service") return service_backend();
    for (const BackendStatus& s : {auto_status(), sens_status(), wts_status(), logind_status()}) {
        if (s.name != name) continue;
        if (!s.available) {
            std::string msg = "backend '" + name + "' is not available: " + s.reason;
            if (name == "auto")
                msg += ". There is no real session-event source here; use "
                       "backend=\"simulated\" to drive a monitor from pysens2.testing";
            throw BackendUnavailable(msg);
        }
#ifdef PYSENS2_HAVE_LOGIND
        return make_logind_backend();
#endif
#ifdef _WIN32
        if (name == "sens") return make_sens_backend();
        if (name == "wts") return make_wts_backend();
        std::vector<SourceAssignment> sources;
        sources.push_back({make_wts_backend(), auto_wts_types()});
        sources.push_back({make_sens_backend(), auto_sens_types()});
        return make_composite_backend("sens+wts", std::move(sources));
#endif
    }
    throw std::invalid_argument("unknown backend '" + name +
                                "'; expected one of 'auto', 'sens', 'wts', 'logind', 'service', "
                                "'simulated'");
}

}  // namespace pysens2
