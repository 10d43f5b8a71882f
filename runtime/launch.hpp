// Starting a container's init: the parent's side of create/run. The child's
// side is in container_init.cpp.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "cgroups/manager.hpp"
#include "common/unique_fd.hpp"
#include "oci/spec.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/rootless.hpp"
#include "runtime/state_store.hpp"

namespace runtime {

enum class LaunchMode {
    create,      // init waits on exec.fifo for `start`
    run_detached,
    run_foreground,
};

struct LaunchRequest {
    const oci::Spec* spec = nullptr;
    std::string id;
    std::string bundle;  // absolute
    std::string rootfs;  // absolute, symlinks resolved
    const ContainerDir* dir = nullptr;
    LaunchMode mode = LaunchMode::create;
    std::string console_socket;
    int preserve_fds = 0;
    bool no_pivot = false;
    bool systemd_cgroup = false;  // --systemd-cgroup: the cgroup is a systemd scope
    std::optional<rootfs::OverlayLayer> overlay;
    std::string overlay_dir;  // state-dir layer to remove on delete, or ""
    Rootless rootless;        // GlobalOptions::rootless
};

struct Launched {
    pid_t pid = 0;
    common::UniqueFd pty_master;  // run_foreground with a terminal: to proxy
    std::unique_ptr<cgroups::Manager> cgroup;
    ContainerRecord record;
};

// The cgroup manager's view of the container: its id and cgroupsPath, and
// which driver makes the cgroup (systemd; rootless: only where the tree is
// writable).
cgroups::Config cgroup_config(const std::string& id, const oci::Spec& spec, bool systemd, bool rootless);

// Everything from the cgroup to the init reporting "ready"; on failure
// nothing is left (process killed, cgroup removed) and the error says why.
// The caller removes the state dir on failure.
Launched launch_container(const LaunchRequest& request);

}  // namespace runtime
