// clone3(2): new namespaces and, on cgroup v2, the target cgroup in one
// step, so the child never runs a single instruction outside either.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace runtime {

// Like fork(): returns the child's pid in the parent and 0 in the child.
// `cgroup_fd` >= 0 adds CLONE_INTO_CGROUP.
pid_t clone3_process(uint64_t flags, int cgroup_fd);

}  // namespace runtime
