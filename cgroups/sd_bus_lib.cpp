#include "cgroups/sd_bus_lib.hpp"

#include <dlfcn.h>

#include <cstring>
#include <string>

#include "common/error.hpp"

namespace cgroups::systemd {

namespace {

// The handle stays loaded until exit: sd-bus objects may outlive any
// scope we could tie it to, and a runtime process is short-lived.
SdBusLib load() {
    void* handle = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = ::dlerror();
        throw common::Error(std::string("--systemd-cgroup needs libsystemd (Debian: libsystemd0): cannot load "
                                        "libsystemd.so.0: ") +
                            (why ? why : "unknown error"));
    }
    SdBusLib lib;
    auto resolve = [&](auto& fn, const char* name) {
        void* sym = ::dlsym(handle, name);
        if (!sym) throw common::Error(std::string("libsystemd.so.0 has no ") + name + " (systemd 237 or newer needed)");
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
    };
#define CRUNLITE_RESOLVE(name) resolve(lib.name, #name)
    CRUNLITE_RESOLVE(sd_bus_open_system);
    CRUNLITE_RESOLVE(sd_bus_open_user);
    CRUNLITE_RESOLVE(sd_bus_new);
    CRUNLITE_RESOLVE(sd_bus_set_address);
    CRUNLITE_RESOLVE(sd_bus_start);
    CRUNLITE_RESOLVE(sd_bus_flush_close_unref);
    CRUNLITE_RESOLVE(sd_bus_message_new_method_call);
    CRUNLITE_RESOLVE(sd_bus_message_unref);
    CRUNLITE_RESOLVE(sd_bus_message_append_basic);
    CRUNLITE_RESOLVE(sd_bus_message_append_array);
    CRUNLITE_RESOLVE(sd_bus_message_open_container);
    CRUNLITE_RESOLVE(sd_bus_message_close_container);
    CRUNLITE_RESOLVE(sd_bus_message_enter_container);
    CRUNLITE_RESOLVE(sd_bus_message_exit_container);
    CRUNLITE_RESOLVE(sd_bus_message_read_basic);
    CRUNLITE_RESOLVE(sd_bus_message_peek_type);
    CRUNLITE_RESOLVE(sd_bus_call);
    CRUNLITE_RESOLVE(sd_bus_match_signal);
    CRUNLITE_RESOLVE(sd_bus_slot_unref);
    CRUNLITE_RESOLVE(sd_bus_process);
    CRUNLITE_RESOLVE(sd_bus_wait);
    CRUNLITE_RESOLVE(sd_bus_error_free);
#undef CRUNLITE_RESOLVE
    return lib;
}

}  // namespace

const SdBusLib& sd_bus_lib() {
    static const SdBusLib lib = load();
    return lib;
}

bool BusError::is(const char* name) const { return e.name && std::strcmp(e.name, name) == 0; }

std::string BusError::text(int r) const {
    if (e.name) return std::string(e.name) + ": " + (e.message ? e.message : "(no message)");
    return std::strerror(r < 0 ? -r : r);
}

}  // namespace cgroups::systemd
