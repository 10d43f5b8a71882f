// Thin wrappers over the fd-based mount API (open_tree, fsopen/fsmount,
// mount_setattr, move_mount). Mounts are built detached, configured, then
// attached onto an O_PATH fd resolved in the rootfs: no path is resolved
// twice and nothing depends on /proc being mounted. `what` names the spec
// entry ("mounts[3] /dev/shm") and starts every error message.
#pragma once

#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "rootfs/mount_options.hpp"

namespace rootfs {

// A detached copy of the mount at dirfd/path (path "" = dirfd itself);
// `recursive` copies the submounts too (rbind).
common::UniqueFd clone_mount(int dirfd, const std::string& path, bool recursive, const std::string& what);

// A new detached filesystem mount: fsopen(type), "source", superblock flags
// of `flags`, each `data` option as fsconfig key[=value], then fsmount with
// the per-mount bits of `attr_set`. Kernel messages from the fs context are
// added to errors ("... (tmpfs: Bad value for 'size')").
common::UniqueFd new_fs_mount(const std::string& type, const std::string& source, unsigned long flags,
                              const std::vector<std::string>& data, uint64_t attr_set,
                              const std::string& what);

// mount_setattr on the mount `mount_fd` refers to. With `keep_locked`,
// attributes the mount already has are never cleared: in a user namespace
// nosuid/nodev/noexec/ro/atime inherited from a more privileged namespace
// are locked, and asking to clear them fails with EPERM (runc keeps them
// the same way, through statfs).
void set_mount_attr(int mount_fd, MountAttr attr, bool recursive, bool keep_locked, const std::string& what);

// MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, MS_REC for the whole tree.
void set_propagation(int mount_fd, unsigned long propagation, const std::string& what);

// move_mount of `mount_fd` onto the object `target_fd` refers to.
void attach_mount(int mount_fd, int target_fd, const std::string& what);

// fstatfs(fd).f_type == magic.
bool is_filesystem(int fd, long magic);
// Throws unless fd is on procfs: nothing is written through, or mounted
// over, a /proc that an image or a config faked (CVE-2019-16884 class).
void require_procfs(int fd, const std::string& what);

}  // namespace rootfs
