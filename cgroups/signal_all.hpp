// Signalling every task of a cgroup without cgroup.kill: freeze, signal
// each pid, thaw. Frozen tasks cannot fork, so no child escapes between
// reading cgroup.procs and the kill() calls.
#pragma once

#include "cgroups/manager.hpp"

namespace cgroups {

// `can_freeze`: the manager has a freezer. A cgroup that was already frozen
// (a paused container) stays frozen afterwards.
void signal_all(Manager& manager, int signal, bool can_freeze);

}  // namespace cgroups
