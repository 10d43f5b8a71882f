// The shim's three modes: `start` and `delete` (short-lived, run by
// containerd in the bundle directory) and the daemon `start` launches.
#pragma once

#include "shim/cli/flags.hpp"

namespace shim {

int run_start(const Flags& flags);
int run_delete(const Flags& flags);
int run_daemon(const Flags& flags);

// The runtime's --root parent: $CRUNLITE_SHIM_ROOT, else
// /run/containerd/crun-lite (containerd's runc shim uses .../runc).
std::string default_runtime_root();

}  // namespace shim
