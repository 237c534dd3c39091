#include "bus.hpp"

#include <cstring>

namespace pysens2::logind {

std::string describe(int r) { return std::strerror(r < 0 ? -r : r); }

std::string logind_missing(const sdbus::Api& api, sdbus::Bus* bus) {
    Reply reply(api);
    const int r = api.call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                  "org.freedesktop.DBus", "GetNameOwner", &reply.error,
                                  &reply.msg, "s", kLogind);
    if (r >= 0) return {};
    return std::string("the system bus has no ") + kLogind + " (systemd-logind): " + reply.what(r);
}

namespace {

int read_variant(const sdbus::Api& api, sdbus::Message* m, const std::string& key, Props& out) {
    char type = 0;
    const char* contents = nullptr;
    int r = api.message_peek_type(m, &type, &contents);
    if (r < 0) return r;
    const std::string c = contents ? contents : "";
    if (c == "s" || c == "o") {
        const char* v = nullptr;
        if ((r = api.message_enter_container(m, 'v', c.c_str())) < 0) return r;
        if ((r = api.message_read_basic(m, c[0], &v)) < 0) return r;
        out.strings[key] = v ? v : "";
        return api.message_exit_container(m);
    }
    if (c == "b") {
        int b = 0;
        if ((r = api.message_enter_container(m, 'v', "b")) < 0) return r;
        if ((r = api.message_read_basic(m, 'b', &b)) < 0) return r;
        out.bools[key] = b != 0;
        return api.message_exit_container(m);
    }
    if (c == "u" || c == "t") {
        std::uint64_t t = 0;
        std::uint32_t u = 0;
        if ((r = api.message_enter_container(m, 'v', c.c_str())) < 0) return r;
        if ((r = api.message_read_basic(m, c[0], c == "t" ? static_cast<void*>(&t)
                                                          : static_cast<void*>(&u))) < 0)
            return r;
        out.numbers[key] = c == "t" ? t : u;
        return api.message_exit_container(m);
    }
    if (c == "(so)" || c == "(uo)") {  // Seat, User: the first member names it
        if ((r = api.message_enter_container(m, 'v', c.c_str())) < 0) return r;
        if ((r = api.message_enter_container(m, 'r', c.substr(1, 2).c_str())) < 0) return r;
        if (c[1] == 's') {
            const char* v = nullptr;
            api.message_read_basic(m, 's', &v);
            out.strings[key] = v ? v : "";
        } else {
            std::uint32_t u = 0;
            api.message_read_basic(m, 'u', &u);
            out.numbers[key] = u;
        }
        api.message_skip(m, "o");
        api.message_exit_container(m);
        return api.message_exit_container(m);
    }
    return api.message_skip(m, "v");
}

}  // namespace

int read_props(const sdbus::Api& api, sdbus::Message* m, Props& out) {
    int r = api.message_enter_container(m, 'a', "{sv}");
    if (r < 0) return r;
    while ((r = api.message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        if ((r = api.message_read_basic(m, 's', &key)) < 0) return r;
        if ((r = read_variant(api, m, key ? key : "", out)) < 0) return r;
        api.message_exit_container(m);  // the dict entry
    }
    if (r < 0) return r;
    return api.message_exit_container(m);
}

int get_all(const sdbus::Api& api, sdbus::Bus* bus, const char* path, const char* interface,
            Props& out) {
    Reply reply(api);
    const int r = api.call_method(bus, kLogind, path, kProperties, "GetAll", &reply.error,
                                  &reply.msg, "s", interface);
    if (r < 0) return r;
    return read_props(api, reply.msg, out);
}

}  // namespace pysens2::logind
