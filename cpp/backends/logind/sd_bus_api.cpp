#include "sd_bus_api.hpp"

#include <dlfcn.h>

#include <mutex>

namespace pysens2::sdbus {
namespace {

std::mutex g_mutex;
std::string g_soname = "libsystemd.so.0";
Api g_api;
bool g_loaded = false;
std::string g_why;

template <class Fn>
bool bind(void* lib, const char* name, Fn& fn, std::string& why) {
    fn = reinterpret_cast<Fn>(dlsym(lib, name));
    if (!fn) why = g_soname + " lacks " + name + " (systemd too old?)";
    return fn != nullptr;
}

}  // namespace

void set_library_for_testing(const char* soname) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_soname = soname;
    g_loaded = false;
    g_why.clear();
}

const Api* load(std::string* why) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_loaded) return &g_api;
    // Never unloaded: threads of finished monitors may still be unwinding.
    void* lib = dlopen(g_soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* err = dlerror();
        g_why = "cannot load " + g_soname + " (systemd's sd-bus library" +
                (err ? std::string(": ") + err : std::string()) + ")";
        if (why) *why = g_why;
        return nullptr;
    }
    Api a{};
    std::string w;
    const bool ok = bind(lib, "sd_bus_open_system", a.open_system, w) &&
                    bind(lib, "sd_bus_flush_close_unref", a.flush_close_unref, w) &&
                    bind(lib, "sd_bus_get_fd", a.get_fd, w) &&
                    bind(lib, "sd_bus_get_events", a.get_events, w) &&
                    bind(lib, "sd_bus_get_timeout", a.get_timeout, w) &&
                    bind(lib, "sd_bus_process", a.process, w) &&
                    bind(lib, "sd_bus_add_match", a.add_match, w) &&
                    bind(lib, "sd_bus_slot_unref", a.slot_unref, w) &&
                    bind(lib, "sd_bus_call_method", a.call_method, w) &&
                    bind(lib, "sd_bus_get_property", a.get_property, w) &&
                    bind(lib, "sd_bus_message_get_member", a.message_get_member, w) &&
                    bind(lib, "sd_bus_message_get_path", a.message_get_path, w) &&
                    bind(lib, "sd_bus_message_get_interface", a.message_get_interface, w) &&
                    bind(lib, "sd_bus_message_read_basic", a.message_read_basic, w) &&
                    bind(lib, "sd_bus_message_enter_container", a.message_enter_container, w) &&
                    bind(lib, "sd_bus_message_exit_container", a.message_exit_container, w) &&
                    bind(lib, "sd_bus_message_peek_type", a.message_peek_type, w) &&
                    bind(lib, "sd_bus_message_skip", a.message_skip, w) &&
                    bind(lib, "sd_bus_message_unref", a.message_unref, w) &&
                    bind(lib, "sd_bus_error_free", a.error_free, w);
    if (!ok) {
        g_why = w;
        if (why) *why = g_why;
        return nullptr;
    }
    g_api = a;
    g_loaded = true;
    return &g_api;
}

}  // namespace pysens2::sdbus
