// What several commands do to an existing container: derive its status,
// describe it as a spec state document, signal it, tear it down.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "oci/spec.hpp"
#include "oci/state.hpp"
#include "runtime/state_store.hpp"

namespace runtime {

struct Container {
    ContainerDir dir;
    ContainerRecord record;
    std::unique_ptr<cgroups::Manager> cgroup;  // null when none was recorded

    oci::Status status() const;
    bool init_alive() const;
    std::string state_json(oci::Status status) const;
    // The config as it was at create time (hooks, exec defaults).
    oci::Spec saved_spec() const;
};

// Opens and locks a container; "container \"x\" does not exist" otherwise,
// UnreadableState when its state.json (or the cgroup saved in it) cannot
// be read.
Container open_container(const StateStore& store, const std::string& id);

// The two halves of open_container, for a caller that keeps the locked
// directory when the state turns out unreadable (delete --force).
ContainerRecord load_record(const ContainerDir& dir);
std::unique_ptr<cgroups::Manager> load_cgroup(const ContainerDir& dir, const ContainerRecord& record);

// The container's processes: its cgroup's; without a cgroup (a rootless
// container where the cgroup tree is root's), those of its init's pid
// namespace, or the init alone when it shares ours.
std::vector<pid_t> container_processes(const Container& c);

// runc-style signal names: "KILL", "SIGKILL", "9".
int parse_signal(const std::string& text);

// Sends `signal` to the init, or with `all` to every process of the
// container (container_processes).
// A paused container is thawed after SIGKILL, as runc does: its frozen
// tasks would otherwise hold the signal until someone resumes it. Other
// signals stay pending until resume (runc 1.1.5 thaws after any signal
// with `all`, even 0, which moby#37137 reports as a bug).
void signal_container(const Container& c, int signal, bool all);

// Kills what is left (SIGKILL to the whole cgroup), waits for the init to
// go, runs poststop hooks, removes the cgroup, the overlay layer and the
// state directory. A record without an init (a create that stopped part
// way) or a cgroup that stays busy gets its cgroup emptied first.
void destroy_container(const StateStore& store, Container& c);

}  // namespace runtime
