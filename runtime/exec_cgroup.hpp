// exec --cgroup: the sub-cgroups of the container's cgroup an exec'd
// process joins instead of the container's own (runc 1.1's flag).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "common/unique_fd.hpp"

namespace runtime {

// runc's `--cgroup [<controller>[,<controller>...]:]<path>`, repeatable:
// controller -> path below the container's cgroup; "" (no prefix, given
// alone) applies to every hierarchy. Throws naming the argument and the
// rule it breaks.
std::map<std::string, std::string> parse_exec_cgroups(const std::vector<std::string>& args);

// Where the exec'd process goes: an O_DIRECTORY fd of the unified cgroup
// for clone3(CLONE_INTO_CGROUP) (-1: none) and the v1 `tasks` files the
// child writes "0" to (cgroups::join_self), as Manager::clone_into_fd()
// and Manager::self_join_files() give them for the container's own cgroup.
struct ExecCgroupTarget {
    common::UniqueFd unified;
    std::vector<std::string> tasks_files;
    std::vector<std::string> dirs;  // every cgroup joined, for the debug log
};

// The sub-cgroups must exist (runc does not make them) and stay inside
// the container's cgroup; a controller the container has no hierarchy for
// is an error, as in runc.
ExecCgroupTarget exec_cgroup_target(const cgroups::Manager& manager,
                                    const std::map<std::string, std::string>& sub_paths);

}  // namespace runtime
