// Making the rootfs a mount of its own and switching "/" to it.
#pragma once

#include "common/unique_fd.hpp"
#include "rootfs/rootfs.hpp"

namespace rootfs {

// Sets the propagation of "/" (linux.rootfsPropagation, default rslave so
// that nothing the container mounts reaches the host while host mounts
// still reach it), makes the mount holding the rootfs private when "/" may
// still have shared mounts (pivot_root refuses a shared parent), then
// bind-mounts the rootfs onto itself, or
// mounts the overlay (lowerdir = rootfs, ctx.overlay's upper/work) there.
// Returns an O_PATH fd of the new rootfs mount's root. Without a private
// mount namespace only the bind (or overlay) is made.
common::UniqueFd prepare_root(const Context& ctx);

// pivot_root(".", ".") then detaches the old root; with ctx.no_pivot,
// MS_MOVE onto "/" and chroot; without a private mount namespace, chroot
// alone (pivot_root would move every process of that namespace). Ends with
// cwd "/" of the new root.
void enter_root(const Context& ctx, int root_fd);

// The unique id of the mount `fd` is on (statx STATX_MNT_ID).
uint64_t mount_id(int fd);

}  // namespace rootfs
