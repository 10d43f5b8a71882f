// The few calls of systemd's D-Bus API (org.freedesktop.systemd1.Manager)
// the cgroup driver makes, through libsystemd's sd-bus (sd_bus_lib.hpp):
// start a transient unit and wait for its job, stop one, change its
// properties, read a unit's or the manager's properties.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cgroups/sd_bus_lib.hpp"
#include "cgroups/systemd_props.hpp"

namespace cgroups::systemd {

// Whether systemd runs this host (sd_booted: /run/systemd/system exists).
bool booted();

class Client {
    struct Token {};  // connect() is the only way to make one

public:
    // The system instance (`user` false, for root), or the caller's user
    // instance, over the bus; for root without a bus daemon, systemd's own
    // socket (/run/systemd/private, as systemctl). Not movable: the
    // JobRemoved match points at it.
    static std::unique_ptr<Client> connect(bool user);
    Client(Token, BusPtr bus, bool user, bool direct = false) : bus_(std::move(bus)), user_(user), direct_(direct) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Starts the transient unit `name` and waits for its job; throws with
    // the job's result ("failed", "timeout", ...). A unit of that name that
    // exists already is reset (a failed one left from before goes) and the
    // start retried once, as runc does; false when it still exists then
    // (a running unit: the caller may join it, as runc does).
    bool start_transient_unit(const std::string& name, const Properties& props);
    // Stops `name` and waits for it; false when systemd has no such unit.
    bool stop_unit(const std::string& name);
    // Forgets a failed unit; errors (no such unit, not failed) are ignored.
    void reset_failed_unit(const std::string& name);
    // Runtime-only changes (gone with the unit, nothing in /etc).
    void set_unit_properties(const std::string& name, const Properties& props);
    // The ActiveState of `name` ("active", "inactive", "failed", ...);
    // nullopt when systemd has no such unit loaded.
    std::optional<std::string> active_state(const std::string& name);
    // A string property of unit `name` ("ControlGroup").
    std::string unit_string(const std::string& name, const std::string& interface, const std::string& property);
    // A string property of the manager ("Version", "ControlGroup").
    std::string manager_string(const std::string& property);
    // systemd's major version (252 for "252.39-1~deb12u2"); 0 if unknown.
    int version();

    const char* instance() const { return user_ ? "the user's systemd" : "systemd"; }

private:
    // Calls a method of the manager; the reply, or an error naming the
    // method, the unit and systemd's error. `error` (if given) gets the
    // D-Bus error instead of a throw for a failed reply.
    MessagePtr call(MessagePtr m, const std::string& what, BusError* error = nullptr);
    MessagePtr new_manager_call(const char* member);
    std::string get_string(const std::string& path, const std::string& interface, const std::string& property);
    // Waits for JobRemoved of `job`; returns its result ("done", ...).
    std::string wait_job(const std::string& job, const std::string& unit);
    // Subscribes to JobRemoved before the first call that makes a job.
    void watch_jobs();
    static int on_job_removed(sd_bus_message* m, void* self, sd_bus_error* error);

    BusPtr bus_;
    bool user_ = false;
    // Connected to systemd itself, not through a bus daemon: signals come
    // only after Manager.Subscribe.
    bool direct_ = false;
    // JobRemoved results seen so far, by job path: the signal may come
    // while sd_bus_call waits for the reply that names the job.
    std::map<std::string, std::string> jobs_done_;
    SlotPtr job_match_;
    int version_ = -1;
};

}  // namespace cgroups::systemd
