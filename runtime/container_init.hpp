// The container's init process between clone3 and execve.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "namespaces/namespaces.hpp"
#include "oci/spec.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/sync_channel.hpp"

namespace runtime {

struct InitArgs {
    const oci::Spec* spec = nullptr;
    const namespaces::Plan* plan = nullptr;
    rootfs::Context rootfs;
    SyncChannel* channel = nullptr;
    int state_lock_fd = -1;  // closed first: the lock belongs to the runtime
    int exec_fifo = -1;  // create: block here until `start`; -1 for run
    int preserve_fds = 0;
    bool new_user_namespace = false;
    bool rootless = false;  // the runtime is not root (runtime/rootless.hpp)
    // v1 `tasks` files the child writes "0" to, first thing; empty when the
    // runtime moves it (cgroups::Manager::self_join_files).
    std::vector<std::string> cgroup_tasks_files;
    bool has_runtime_hooks = false;  // prestart/createRuntime, run by the parent
};

// Never returns: execs the container process, or reports the error over the
// channel and exits.
[[noreturn]] void container_init(InitArgs& args);

}  // namespace runtime
