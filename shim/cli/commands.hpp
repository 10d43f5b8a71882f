// The shim's three modes: `start` and `delete` (short-lived, run by
// containerd in the bundle directory) and the daemon `start` launches.
#pragma once

#include <string>

#include "shim/cli/flags.hpp"

namespace shim {

int run_start(const Flags& flags);
int run_delete(const Flags& flags);
int run_daemon(const Flags& flags);

// The key that picks the shim serving a container (run in the bundle):
// the io.kubernetes.cri.sandbox-id annotation of config.json when there
// is one (one shim per pod), else the container's id.
std::string shim_group(const std::string& id);

// The runtime's --root parent: $CRUNLITE_SHIM_ROOT, else
// /run/containerd/crun-lite (containerd's runc shim uses .../runc).
std::string default_runtime_root();

}  // namespace shim
