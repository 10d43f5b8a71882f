// Checks on a cgroup the container may join rather than make (a path that
// already exists, or a new one below an existing parent): as runc, a
// frozen one is refused, since a task moved into it stops at once and the
// runtime would wait for it forever, and one that already holds processes
// is warned about.
#pragma once

#include <string>
#include <vector>

namespace cgroups {

// Whether the cgroup `leaf` may be frozen before the container's process
// is in it. `made`: the directories create() made there, outermost first;
// `own`: the caller's own cgroup directory in that hierarchy. A cgroup made
// below a running process's cgroup (or an ancestor of it, or the root)
// starts thawed, as that parent is: no need to read anything then, which
// keeps the usual start free of the check.
bool may_be_frozen(const std::vector<std::string>& made, const std::string& leaf, const std::string& own);

// Throws "container's cgroup unexpectedly frozen: <leaf> ..." when the v1
// freezer cgroup `leaf` is FROZEN or FREEZING (by itself or by an
// ancestor). A directory without freezer.state passes.
void refuse_frozen_v1(const std::string& leaf);
// The same for a cgroup2 directory (cgroup.events "frozen 1").
void refuse_frozen_unified(const std::string& leaf);

// Warns (cgroups::warn) when <leaf>/cgroup.procs lists processes; true
// when it did.
bool warn_if_not_empty(const std::string& leaf);

}  // namespace cgroups
