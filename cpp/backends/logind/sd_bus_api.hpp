// sd-bus, the D-Bus client in libsystemd.so.0, loaded with dlopen at first
// use: no systemd headers or library at build time, small wheels, and a
// clear "unavailable" where the library is missing. Only what the logind
// backend calls is declared, with sd-bus's own signatures (sd-bus(3)).
#pragma once

#include <cstdint>
#include <string>

namespace pysens2::sdbus {

struct Bus;      // sd_bus
struct Message;  // sd_bus_message
struct Slot;     // sd_bus_slot
struct Error {   // sd_bus_error
    const char* name = nullptr;
    const char* message = nullptr;
    int need_free = 0;
};
using Handler = int (*)(Message*, void* userdata, Error* ret_error);

struct Api {
    int (*open_system)(Bus**);
    Bus* (*flush_close_unref)(Bus*);
    int (*get_fd)(Bus*);
    int (*get_events)(Bus*);
    int (*get_timeout)(Bus*, std::uint64_t*);
    int (*process)(Bus*, Message**);
    int (*add_match)(Bus*, Slot**, const char*, Handler, void*);
    Slot* (*slot_unref)(Slot*);
    int (*call_method)(Bus*, const char*, const char*, const char*, const char*, Error*,
                       Message**, const char*, ...);
    int (*get_property)(Bus*, const char*, const char*, const char*, const char*, Error*,
                        Message**, const char*);
    const char* (*message_get_member)(Message*);
    const char* (*message_get_path)(Message*);
    const char* (*message_get_interface)(Message*);
    int (*message_read_basic)(Message*, char, void*);
    int (*message_enter_container)(Message*, char, const char*);
    int (*message_exit_container)(Message*);
    int (*message_peek_type)(Message*, char*, const char**);
    int (*message_skip)(Message*, const char*);
    Message* (*message_unref)(Message*);
    void (*error_free)(Error*);
};

// The loaded API, or nullptr with `why` saying what is missing.
const Api* load(std::string* why);
// Where load() looks (tests point it at a missing file).
void set_library_for_testing(const char* soname);

}  // namespace pysens2::sdbus
