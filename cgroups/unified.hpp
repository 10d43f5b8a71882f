// Operations on a cgroup2 directory that both managers use: the pure v2
// manager for everything, the v1/hybrid one for the unified hierarchy at
// /sys/fs/cgroup/unified (freeze, kill and the controllers living there).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cgroups::unified {

// Writes cgroup.freeze and waits until cgroup.events reports the state.
void set_frozen(const std::string& dir, bool frozen);
bool is_frozen(const std::string& dir);
// Writes cgroup.kill (SIGKILL to every task, atomically against forks).
// False when the kernel has no cgroup.kill (before 5.14).
bool kill(const std::string& dir);

// Controllers listed in <dir>/cgroup.controllers (or cgroup.subtree_control).
std::set<std::string> controllers(const std::string& dir, const char* file = "cgroup.controllers");

// Makes `controller` usable in `leaf`: every directory from `mount_point`
// down to leaf's parent must list it in cgroup.subtree_control. Missing
// entries are added ("+name") in the directories create() made (`created`);
// in pre-existing ones only if `in_existing` (Config::
// enable_controllers_in_parents), else the controller is reported as not
// delegated. `field` names the spec field needing it, for the error.
void enable_controller(const std::string& mount_point, const std::string& leaf, const std::string& controller,
                       std::string_view field, const std::vector<std::string>& created, bool in_existing);

// Best effort at create(): in the directories we made above the leaf,
// enable what their parents offer, so that stats and later updates find
// their files. Failures are left for apply() to report per field.
void enable_in_created(const std::vector<std::string>& created, const std::string& leaf);

// Best effort at create() where parents may be changed
// (Config::enable_controllers_in_parents): from `mount_point` down to
// leaf's parent, enable in each directory every controller it offers, as
// runc does, so the leaf has them all (stats, later updates).
void enable_all_in_ancestors(const std::string& mount_point, const std::string& leaf);

// The controller a v2 interface file belongs to: "memory" for
// "memory.max", "cgroup" for core files.
std::string controller_of(std::string_view file);

}  // namespace cgroups::unified
