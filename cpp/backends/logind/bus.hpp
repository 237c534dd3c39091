// The pieces of talking to logind over sd-bus that the backend and the state
// queries share: a connection, a call's reply, a property dictionary.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sd_bus_api.hpp"

namespace pysens2::logind {

inline constexpr const char* kLogind = "org.freedesktop.login1";
inline constexpr const char* kManagerPath = "/org/freedesktop/login1";
inline constexpr const char* kManager = "org.freedesktop.login1.Manager";
inline constexpr const char* kSession = "org.freedesktop.login1.Session";
inline constexpr const char* kSeat = "org.freedesktop.login1.Seat";
inline constexpr const char* kProperties = "org.freedesktop.DBus.Properties";

std::string describe(int r);

// An sd-bus connection to the system bus, closed with the object.
class Connection {
public:
    explicit Connection(const sdbus::Api& api) : api_(api) {}
    ~Connection() { close(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    int open() {
        close();
        return api_.open_system(&bus_);
    }
    void close() {
        if (bus_) api_.flush_close_unref(bus_);
        bus_ = nullptr;
    }
    sdbus::Bus* get() const { return bus_; }

private:
    const sdbus::Api& api_;
    sdbus::Bus* bus_ = nullptr;
};

// A reply message (and the error of a failed call), released with the object.
struct Reply {
    explicit Reply(const sdbus::Api& a) : api(a) {}
    ~Reply() {
        if (msg) api.message_unref(msg);
        api.error_free(&error);
    }
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;
    std::string what(int r) const { return error.message ? std::string(error.message) : describe(r); }
    const sdbus::Api& api;
    sdbus::Message* msg = nullptr;
    sdbus::Error error{};
};

// "" when logind owns its name on this bus, else why not.
std::string logind_missing(const sdbus::Api& api, sdbus::Bus* bus);

// Properties read from an a{sv}: strings (s, o, and the first member of a
// struct such as Seat's (so)), booleans and unsigned numbers (u, t); other
// types are skipped.
struct Props {
    std::map<std::string, std::string> strings;
    std::map<std::string, bool> bools;
    std::map<std::string, std::uint64_t> numbers;
    std::optional<bool> flag(const std::string& k) const {
        auto it = bools.find(k);
        return it == bools.end() ? std::nullopt : std::optional<bool>(it->second);
    }
    std::string text(const std::string& k) const {
        auto it = strings.find(k);
        return it == strings.end() ? std::string() : it->second;
    }
};
int read_props(const sdbus::Api& api, sdbus::Message* m, Props& out);
// Properties.GetAll(interface) on `path`.
int get_all(const sdbus::Api& api, sdbus::Bus* bus, const char* path, const char* interface,
            Props& out);

}  // namespace pysens2::logind
