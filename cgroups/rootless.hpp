// A caller without root (cgroups::Config::rootless): whether it can have a
// cgroup at all, and where its processes are when it cannot.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "cgroups/paths.hpp"
#include "oci/spec.hpp"

namespace cgroups {

// The manager for an unprivileged caller, or nullptr when it cannot write
// where the container's cgroup would go (every cgroup of a v1/hybrid host
// is root's): the container then runs in the caller's own cgroups, as with
// runc. On a v2 host with a delegated subtree (a systemd user session),
// relative and default paths nest under the parent of the caller's cgroup,
// as runc's do: the caller's own cgroup holds the caller, so it cannot
// hand controllers down (the no-internal-process rule).
std::unique_ptr<Manager> make_rootless_manager(const Config& config, const Layout& layout);

// The caller's own cgroup in every hierarchy (where a container without a
// cgroup of its own runs), for "cgroup" mounts.
std::vector<Hierarchy> caller_hierarchies(const Layout& layout);
std::vector<Hierarchy> caller_hierarchies();

// The first linux.resources field that only a cgroup can enforce, named as
// in the config ("linux.resources.memory.limit"), or nullopt. Device rules
// do not count: without a cgroup the container has only the devices it is
// given (runc ignores them the same way).
std::optional<std::string> first_limit(const oci::Resources& resources);

}  // namespace cgroups
