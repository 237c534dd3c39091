#include "logind_state.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "bus.hpp"
#include "core/errors.hpp"

namespace pysens2 {
namespace {

using namespace logind;

// A connection to a bus that has logind, or BackendUnavailable saying why not.
struct Link {
    explicit Link(const sdbus::Api& a) : api(a), bus(a) {
        const int r = bus.open();
        if (r < 0) throw BackendUnavailable("cannot connect to the system bus: " + describe(r));
        if (std::string why = logind_missing(api, bus.get()); !why.empty())
            throw BackendUnavailable(why);
    }
    const sdbus::Api& api;
    Connection bus;
};

const sdbus::Api& api_or_throw() {
    std::string why;
    const sdbus::Api* api = sdbus::load(&why);
    if (!api) throw BackendUnavailable(why);
    return *api;
}

std::optional<std::int64_t> usec_to_ns(const Props& p, const char* key) {
    auto it = p.numbers.find(key);
    if (it == p.numbers.end() || it->second == 0) return std::nullopt;
    return static_cast<std::int64_t>(it->second) * 1000;
}

LogindSession record_of(const Props& p) {
    LogindSession s;
    s.id = p.text("Id");
    s.user = p.text("Name");
    s.seat = p.text("Seat");
    s.state = p.text("State");
    // Only a session on a seat has a screen to lock.
    if (!s.seat.empty()) s.locked = p.flag("LockedHint").value_or(false);
    s.remote = p.flag("Remote").value_or(false);
    s.remote_host = p.text("RemoteHost");
    s.logon_ns = usec_to_ns(p, "Timestamp");
    s.idle = p.flag("IdleHint").value_or(false);
    s.idle_since_ns = usec_to_ns(p, "IdleSinceHint");
    return s;
}

std::string session_path(Link& c, const std::string& id) {
    Reply reply(c.api);
    int r = c.api.call_method(c.bus.get(), kLogind, kManagerPath, kManager, "GetSession",
                              &reply.error, &reply.msg, "s", id.c_str());
    const char* path = nullptr;
    if (r < 0 || (r = c.api.message_read_basic(reply.msg, 'o', &path)) < 0 || !path)
        throw std::invalid_argument("logind has no session '" + id + "': " + reply.what(r));
    return path;
}

}  // namespace

std::vector<LogindSession> logind_sessions() {
    Link c(api_or_throw());
    Reply reply(c.api);
    int r = c.api.call_method(c.bus.get(), kLogind, kManagerPath, kManager, "ListSessions",
                              &reply.error, &reply.msg, "");
    if (r < 0) throw std::runtime_error("logind ListSessions failed: " + reply.what(r));
    std::vector<std::string> paths;
    if ((r = c.api.message_enter_container(reply.msg, 'a', "(susso)")) < 0)
        throw std::runtime_error("logind ListSessions: unexpected reply: " + describe(r));
    while (c.api.message_enter_container(reply.msg, 'r', "susso") > 0) {
        const char* path = nullptr;
        c.api.message_skip(reply.msg, "suss");
        c.api.message_read_basic(reply.msg, 'o', &path);
        c.api.message_exit_container(reply.msg);
        if (path) paths.emplace_back(path);
    }
    std::vector<LogindSession> out;
    for (const std::string& path : paths) {
        Props p;
        if (get_all(c.api, c.bus.get(), path.c_str(), kSession, p) >= 0)
            out.push_back(record_of(p));  // (a session gone meanwhile is left out)
    }
    return out;
}

LogindSession logind_session(const std::string& id) {
    Link c(api_or_throw());
    const std::string path = session_path(c, id);
    Props p;
    const int r = get_all(c.api, c.bus.get(), path.c_str(), kSession, p);
    if (r < 0) throw std::invalid_argument("logind has no session '" + id + "': " + describe(r));
    return record_of(p);
}

std::string logind_current_session_id() {
    if (const char* id = std::getenv("XDG_SESSION_ID"); id && *id) return id;
    Link c(api_or_throw());
    Reply reply(c.api);
    int r = c.api.call_method(c.bus.get(), kLogind, kManagerPath, kManager, "GetSessionByPID",
                              &reply.error, &reply.msg, "u", static_cast<std::uint32_t>(getpid()));
    const char* path = nullptr;
    if (r >= 0 && c.api.message_read_basic(reply.msg, 'o', &path) >= 0 && path) {
        Props p;
        if (get_all(c.api, c.bus.get(), path, kSession, p) >= 0 && !p.text("Id").empty())
            return p.text("Id");
    }
    throw std::runtime_error(
        "cannot tell this process's logind session: XDG_SESSION_ID is not set and logind "
        "knows no session for this process");
}

std::optional<std::string> logind_console_session_id() {
    Link c(api_or_throw());
    Props p;
    if (get_all(c.api, c.bus.get(), "/org/freedesktop/login1/seat/seat0", kSeat, p) < 0)
        return std::nullopt;  // no seat0: a server without a console seat
    const std::string id = p.text("ActiveSession");
    if (id.empty()) return std::nullopt;
    return id;
}

}  // namespace pysens2
