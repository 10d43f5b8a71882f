// The rootfs mounts containerd passes with Create (a snapshotter's overlay
// or bind mount), mounted by the shim on <bundle>/rootfs before the
// runtime's create, and unmounted at delete.
#pragma once

#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "shim/proto/common_types.hpp"

namespace shim {

void mount_rootfs(const std::string& bundle, const std::vector<shimproto::Mount>& mounts);
// Quietly does nothing when nothing is mounted there.
void unmount_rootfs(const std::string& bundle);
// The same, lazily: every layer is detached at once (nothing is mounted
// at <bundle>/rootfs when this returns), and the returned fd holds the top
// one, so its teardown (overlayfs syncs its upper layer's filesystem:
// 1-8 ms measured on Delete's path) runs when the caller closes it, after
// answering.
common::UniqueFd detach_rootfs(const std::string& bundle);

}  // namespace shim
