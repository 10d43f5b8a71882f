// Picking the manager for a host layout. make_manager() (manager.hpp) uses
// the running host; tests pass a layout pointing at a fake tree.
#pragma once

#include <memory>

#include "cgroups/manager.hpp"
#include "cgroups/paths.hpp"

namespace cgroups {

// v2 when cgroup2 is mounted at the root, v1/hybrid otherwise.
std::unique_ptr<Manager> make_manager(const Config& config, const Layout& layout);

}  // namespace cgroups
