// The rootfs mounts containerd passes with Create (a snapshotter's overlay
// or bind mount), mounted by the shim on <bundle>/rootfs before the
// runtime's create, and unmounted at delete.
#pragma once

#include <string>
#include <vector>

#include "shim/proto/common_types.hpp"

namespace shim {

void mount_rootfs(const std::string& bundle, const std::vector<shimproto::Mount>& mounts);
// Quietly does nothing when nothing is mounted there.
void unmount_rootfs(const std::string& bundle);

}  // namespace shim
