#include "logind_backend.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

#include "core/errors.hpp"
#include "bus.hpp"
#include "logind_state.hpp"
#include "sd_bus_api.hpp"

namespace pysens2 {
namespace {

using namespace logind;

// What the backend knows of one session; the flags are what it last saw.
struct SessionState {
    std::string id, user, seat;
    std::optional<bool> locked, active, idle;
};

SessionState session_of(const Props& p) {
    SessionState s;
    s.id = p.text("Id");
    s.user = p.text("Name");
    s.seat = p.text("Seat");
    s.locked = p.flag("LockedHint");
    s.active = p.flag("Active");
    s.idle = p.flag("IdleHint");
    return s;
}

class LogindBackend final : public Backend {
public:
    LogindBackend(const sdbus::Api& api, LogindOptions options)
        : api_(api), options_(options), bus_(api) {}
    ~LogindBackend() override { stop(); }

    const char* name() const override { return "logind"; }
    EventMask supported() const override { return logind_event_mask(); }
    std::uint32_t own_session() const override { return 0; }

    std::string own_session_name() const override {
        try {
            return logind_current_session_id();  // XDG_SESSION_ID, else GetSessionByPID
        } catch (const std::runtime_error&) {
            // (no bus either): the monitor cannot filter; say what to do instead
        }
        throw std::runtime_error(
            "cannot tell this process's logind session: XDG_SESSION_ID is not set and logind "
            "knows no session for this process; pass sessions='all'");
    }

    void start(const EventInlet& inlet, const BackendConfig&) override {
        inlet_.emplace(inlet);
        int r = bus_.open();
        if (r < 0) {
            inlet_.reset();
            throw BackendUnavailable("cannot connect to the system bus: " + describe(r));
        }
        if (std::string why = logind_missing(api_, bus_.get()); !why.empty()) {
            bus_.close();
            inlet_.reset();
            throw BackendUnavailable(why);
        }
        if ((r = subscribe()) < 0 || (r = read_all_sessions()) < 0) {
            bus_.close();
            inlet_.reset();
            throw BackendUnavailable("subscribing to logind's signals failed: " + describe(r));
        }
        wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake_ < 0) {
            bus_.close();
            inlet_.reset();
            throw std::runtime_error("eventfd failed: " + describe(errno));
        }
        thread_ = std::thread([this] { run(); });
    }

    void stop() override {
        if (!thread_.joinable()) return;
        const std::uint64_t one = 1;
        // The bus thread runs only this file's code: it wakes and ends promptly.
        (void)!write(wake_, &one, sizeof one);
        thread_.join();
        ::close(wake_);
        wake_ = -1;
        bus_.close();
        sessions_.clear();
        inlet_.reset();
    }

private:
    int subscribe() {
        static const char* const kManagerMatch =
            "type='signal',sender='org.freedesktop.login1',path='/org/freedesktop/login1',"
            "interface='org.freedesktop.login1.Manager'";
        static const char* const kSessionMatch =
            "type='signal',sender='org.freedesktop.login1',"
            "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
            "arg0='org.freedesktop.login1.Session'";
        static const char* const kOwnerMatch =
            "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
            "member='NameOwnerChanged',arg0='org.freedesktop.login1'";
        int r = api_.add_match(bus_.get(), nullptr, kManagerMatch, &on_manager, this);
        if (r >= 0) r = api_.add_match(bus_.get(), nullptr, kSessionMatch, &on_properties, this);
        if (r >= 0) r = api_.add_match(bus_.get(), nullptr, kOwnerMatch, &on_owner, this);
        return r;
    }

    int read_session(sdbus::Bus* bus, const char* path, SessionState& s) const {
        Props p;
        const int r = get_all(api_, bus, path, kSession, p);
        if (r >= 0) s = session_of(p);
        return r;
    }

    // The state now, without events: at start and after a gap.
    int read_all_sessions() {
        Reply reply(api_);
        int r = api_.call_method(bus_.get(), kLogind, kManagerPath, kManager, "ListSessions",
                                 &reply.error, &reply.msg, "");
        if (r < 0) return r;
        std::map<std::string, SessionState> now;
        if ((r = api_.message_enter_container(reply.msg, 'a', "(susso)")) < 0) return r;
        while ((r = api_.message_enter_container(reply.msg, 'r', "susso")) > 0) {
            const char *id = nullptr, *user = nullptr, *seat = nullptr, *path = nullptr;
            std::uint32_t uid = 0;
            api_.message_read_basic(reply.msg, 's', &id);
            api_.message_read_basic(reply.msg, 'u', &uid);
            api_.message_read_basic(reply.msg, 's', &user);
            api_.message_read_basic(reply.msg, 's', &seat);
            api_.message_read_basic(reply.msg, 'o', &path);
            api_.message_exit_container(reply.msg);
            if (!path) continue;
            SessionState s;
            if (read_session(bus_.get(), path, s) < 0) continue;  // gone meanwhile
            if (s.id.empty() && id) s.id = id;
            now[path] = s;
        }
        if (r < 0) return r;
        sessions_ = std::move(now);
        return 0;
    }

    void post(Source source, const SessionState* s) noexcept {
        try {
            Event e;
            e.monotonic_ns = monotonic_now_ns();
            e.source = source;
            if (s) {
                e.has_session = true;
                e.session_name = s->id;
                e.user = s->user;
                e.seat = s->seat;
            }
            inlet_->post(std::move(e));
        } catch (...) {
            inlet_->count_dropped();
        }
    }

    static int on_manager(sdbus::Message* m, void* self, sdbus::Error*) {
        static_cast<LogindBackend*>(self)->manager_signal(m);
        return 0;
    }
    static int on_properties(sdbus::Message* m, void* self, sdbus::Error*) {
        static_cast<LogindBackend*>(self)->properties_changed(m);
        return 0;
    }
    static int on_owner(sdbus::Message* m, void* self, sdbus::Error*) {
        static_cast<LogindBackend*>(self)->owner_changed(m);
        return 0;
    }

    void manager_signal(sdbus::Message* m) {
        const std::string member = api_.message_get_member(m) ? api_.message_get_member(m) : "";
        if (member == "SessionNew" || member == "SessionRemoved") {
            const char *id = nullptr, *path = nullptr;
            if (api_.message_read_basic(m, 's', &id) < 0 ||
                api_.message_read_basic(m, 'o', &path) < 0 || !id || !path)
                return;
            if (member == "SessionNew") {
                SessionState s;
                read_session(bus_.get(), path, s);  // what it can; the id is in the signal
                s.id = id;
                post(Source::Logind_SessionNew, &(sessions_[path] = s));
            } else {
                auto it = sessions_.find(path);
                SessionState s = it != sessions_.end() ? it->second : SessionState{};
                s.id = id;
                if (it != sessions_.end()) sessions_.erase(it);
                post(Source::Logind_SessionRemoved, &s);
            }
        } else if (member == "PrepareForSleep" || member == "PrepareForShutdown") {
            int starting = 0;
            if (api_.message_read_basic(m, 'b', &starting) < 0) return;
            const bool sleep = member == "PrepareForSleep";
            post(sleep ? (starting ? Source::Logind_Sleep : Source::Logind_Resume)
                       : (starting ? Source::Logind_Shutdown : Source::Logind_ShutdownCancelled),
                 nullptr);
        }
    }

    void properties_changed(sdbus::Message* m) {
        const char* path = api_.message_get_path(m);
        const char* iface = nullptr;
        if (!path || api_.message_read_basic(m, 's', &iface) < 0) return;
        auto it = sessions_.find(path);
        if (it == sessions_.end()) {
            // A session that appeared while the bus was away: learn it quietly.
            SessionState s;
            if (read_session(bus_.get(), path, s) < 0) return;
            it = sessions_.emplace(path, s).first;
        }
        Props props;
        if (read_props(api_, m, props) < 0) return;
        SessionState changed = session_of(props);
        // Invalidated properties (sent without values) are read back.
        if (api_.message_enter_container(m, 'a', "s") > 0) {
            const char* name = nullptr;
            bool refetch = false;
            while (api_.message_read_basic(m, 's', &name) > 0)
                refetch |= name && (!std::strcmp(name, "LockedHint") ||
                                    !std::strcmp(name, "Active") || !std::strcmp(name, "IdleHint"));
            api_.message_exit_container(m);
            if (refetch) read_session(bus_.get(), path, changed);
        }
        SessionState& known = it->second;
        // One event per change: a repeated value is no occurrence.
        auto apply = [&](const std::optional<bool>& now, std::optional<bool>& was, Source on,
                         Source off) {
            if (!now || was == now) return;
            was = now;
            post(*now ? on : off, &known);
        };
        apply(changed.locked, known.locked, Source::Logind_Locked, Source::Logind_Unlocked);
        apply(changed.active, known.active, Source::Logind_Activated, Source::Logind_Deactivated);
        apply(changed.idle, known.idle, Source::Logind_IdleStart, Source::Logind_IdleEnd);
    }

    void owner_changed(sdbus::Message* m) {
        const char *name = nullptr, *old_owner = nullptr, *new_owner = nullptr;
        if (api_.message_read_basic(m, 's', &name) < 0 ||
            api_.message_read_basic(m, 's', &old_owner) < 0 ||
            api_.message_read_basic(m, 's', &new_owner) < 0)
            return;
        const bool gone = !new_owner || !*new_owner;
        if (gone && !lost_) {
            lost_ = true;
            post(Source::Logind_Lost, nullptr);
        } else if (!gone && lost_ && read_all_sessions() >= 0) {
            lost_ = false;
            post(Source::Logind_Restored, nullptr);
        }
    }

    // Waits for the bus or the wake-up: false when stop() asked.
    bool wait(int timeout_ms) {
        pollfd fds[2] = {{wake_, POLLIN, 0}, {-1, 0, 0}};
        nfds_t n = 1;
        if (bus_.get()) {
            fds[1].fd = api_.get_fd(bus_.get());
            const int ev = api_.get_events(bus_.get());
            fds[1].events = static_cast<short>(ev > 0 ? ev : POLLIN);
            n = 2;
        }
        int r;
        do {
            r = poll(fds, n, timeout_ms);
        } while (r < 0 && errno == EINTR);
        return !(fds[0].revents & POLLIN);
    }

    int bus_timeout_ms() {
        std::uint64_t usec = 0;
        if (api_.get_timeout(bus_.get(), &usec) < 0 || usec == UINT64_MAX) return -1;
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        const std::uint64_t now_us = static_cast<std::uint64_t>(now.tv_sec) * 1000000u +
                                     static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
        return usec <= now_us ? 0 : static_cast<int>(std::min<std::uint64_t>((usec - now_us + 999) / 1000, 60000));
    }

    // Reconnects with backoff until it succeeds or stop() asks.
    bool reconnect() {
        auto delay = options_.backoff_first;
        for (;;) {
            if (!wait(static_cast<int>(delay.count()))) return false;
            if (bus_.open() >= 0 && logind_missing(api_, bus_.get()).empty() && subscribe() >= 0 &&
                read_all_sessions() >= 0)
                return true;
            bus_.close();
            delay = std::min(delay * 2, options_.backoff_max);
        }
    }

    void run() {
        for (;;) {
            if (!bus_.get()) {
                if (!reconnect()) return;
                lost_ = false;
                post(Source::Logind_Restored, nullptr);
            }
            int r;
            while ((r = api_.process(bus_.get(), nullptr)) > 0) {
            }
            if (r < 0) {  // the bus went away (ECONNRESET, ENOTCONN...)
                bus_.close();
                if (!lost_) post(Source::Logind_Lost, nullptr);
                lost_ = true;
                continue;
            }
            if (!wait(bus_timeout_ms())) return;
        }
    }

    const sdbus::Api& api_;
    const LogindOptions options_;
    Connection bus_;
    std::optional<EventInlet> inlet_;
    std::map<std::string, SessionState> sessions_;  // by object path; the bus thread's
    bool lost_ = false;
    int wake_ = -1;
    std::thread thread_;
};

}  // namespace

std::optional<std::string> logind_unavailable_reason() {
    std::string why;
    const sdbus::Api* api = sdbus::load(&why);
    if (!api) return why;
    Connection bus(*api);
    const int r = bus.open();
    if (r < 0) return "cannot connect to the system bus: " + describe(r);
    why = logind_missing(*api, bus.get());
    if (!why.empty()) return why;
    return std::nullopt;
}

std::unique_ptr<Backend> make_logind_backend(LogindOptions options) {
    std::string why;
    const sdbus::Api* api = sdbus::load(&why);
    if (!api) throw BackendUnavailable(why);
    return std::make_unique<LogindBackend>(*api, options);
}

}  // namespace pysens2
