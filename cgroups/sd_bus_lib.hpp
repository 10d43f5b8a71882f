// libsystemd's sd-bus, loaded with dlopen on the systemd driver's first
// use. crun-lite is one static binary without DT_NEEDED entries, and a
// start without --systemd-cgroup must not load, relocate or initialise
// libsystemd (and the half dozen libraries it pulls in): only this table
// names it, and only SystemdManager reaches it.
//
// libsystemd comes with its own copy of the C library (a static program's
// dlopen loads a second one), so nothing it allocates may be freed here:
// the client reads strings out of messages (borrowed, freed with the
// message by libsystemd) and never calls the API functions that return
// malloc'd memory. That second libc must be the glibc version the binary
// was linked with (the linker's warning about dlopen says so): a binary
// built on Debian 12 runs the driver on Debian 12.
#pragma once

#include <systemd/sd-bus.h>

#include <memory>

namespace cgroups::systemd {

struct SdBusLib {
#define CRUNLITE_SD_BUS_FN(name) decltype(&::name) name = nullptr
    CRUNLITE_SD_BUS_FN(sd_bus_open_system);
    CRUNLITE_SD_BUS_FN(sd_bus_open_user);
    CRUNLITE_SD_BUS_FN(sd_bus_new);
    CRUNLITE_SD_BUS_FN(sd_bus_set_address);
    CRUNLITE_SD_BUS_FN(sd_bus_start);
    CRUNLITE_SD_BUS_FN(sd_bus_flush_close_unref);
    CRUNLITE_SD_BUS_FN(sd_bus_message_new_method_call);
    CRUNLITE_SD_BUS_FN(sd_bus_message_unref);
    CRUNLITE_SD_BUS_FN(sd_bus_message_append_basic);
    CRUNLITE_SD_BUS_FN(sd_bus_message_append_array);
    CRUNLITE_SD_BUS_FN(sd_bus_message_open_container);
    CRUNLITE_SD_BUS_FN(sd_bus_message_close_container);
    CRUNLITE_SD_BUS_FN(sd_bus_message_enter_container);
    CRUNLITE_SD_BUS_FN(sd_bus_message_exit_container);
    CRUNLITE_SD_BUS_FN(sd_bus_message_read_basic);
    CRUNLITE_SD_BUS_FN(sd_bus_message_peek_type);
    CRUNLITE_SD_BUS_FN(sd_bus_call);
    CRUNLITE_SD_BUS_FN(sd_bus_match_signal);
    CRUNLITE_SD_BUS_FN(sd_bus_slot_unref);
    CRUNLITE_SD_BUS_FN(sd_bus_process);
    CRUNLITE_SD_BUS_FN(sd_bus_wait);
    CRUNLITE_SD_BUS_FN(sd_bus_error_free);
#undef CRUNLITE_SD_BUS_FN
};

// The table, loading libsystemd.so.0 on the first call; throws naming the
// library or the missing symbol (an older libsystemd than sd_bus_match_signal
// needs, 237).
const SdBusLib& sd_bus_lib();

// Owners of sd-bus objects, released through the table.
struct BusCloser {
    void operator()(sd_bus* bus) const { sd_bus_lib().sd_bus_flush_close_unref(bus); }
};
struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_lib().sd_bus_message_unref(m); }
};
struct SlotUnref {
    void operator()(sd_bus_slot* s) const { sd_bus_lib().sd_bus_slot_unref(s); }
};
using BusPtr = std::unique_ptr<sd_bus, BusCloser>;
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotUnref>;

// An sd_bus_error that frees itself (through the table).
struct BusError {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    BusError() = default;
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;
    ~BusError() { sd_bus_lib().sd_bus_error_free(&e); }
    bool is(const char* name) const;
    // "org.freedesktop.systemd1.NoSuchUnit: Unit x.scope not loaded.", or
    // strerror(-r) when the call failed before any reply.
    std::string text(int r) const;
};

}  // namespace cgroups::systemd
