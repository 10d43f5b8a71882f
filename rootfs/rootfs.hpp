// Building the container's filesystem view. Every function here runs in the
// container's child process, in this order: prepare() -> [createContainer
// hooks] -> enter() -> finalize(); detach_shared_root() is the runtime's.
// The child normally has a mount namespace of its own; without one (none in
// the config, or one joined by path) the namespace is someone else's, so
// nothing changes its propagation, and the container's root is entered by
// chroot instead of pivot_root, as runc does.
// All paths inside the rootfs are resolved with openat2(RESOLVE_IN_ROOT) and
// mounted by fd, so a symlink in the image never points a mount outside it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "common/unique_fd.hpp"
#include "oci/spec.hpp"

namespace rootfs {

// A private writable layer: `rootfs` becomes the lower layer, left untouched.
struct OverlayLayer {
    std::string upper;
    std::string work;
};

struct Context {
    const oci::Spec* spec = nullptr;
    std::string rootfs;  // absolute, symlink-free host path of root.path
    std::optional<OverlayLayer> overlay;
    bool no_pivot = false;
    bool private_mount_ns = true;   // false: the host's or a joined namespace
    // Opened for us by the runtime inside our mount namespace
    // (open_host_sources): the rootfs directory (O_PATH) and detached copies
    // of bind sources by mount index, or -1 where we open the path
    // ourselves. The runtime's credentials reach what a user namespace's
    // root cannot, such as a bundle in a directory only the host's root
    // may enter.
    int rootfs_fd = -1;
    std::vector<int> bind_sources;
    bool user_namespace = false;    // in one (the container's or ours): devices are bind-mounted, not mknod'ed
    bool cgroup_namespace = false;  // "cgroup" mounts may mount cgroupfs itself
    std::vector<cgroups::Hierarchy> cgroups;  // for "cgroup" type mounts
};

// Propagation of "/", the rootfs mount (bind or overlay), every spec mount in
// order, default and configured devices, /dev symlinks. Without a private
// mount namespace, `on_shared_root` gets the id of the rootfs mount as soon
// as it exists, before anything can fail beneath it, so that the runtime
// can detach it whatever happens next.
// Returns an O_PATH fd of the new root, for enter().
common::UniqueFd prepare(const Context& ctx, const std::function<void(uint64_t mount_id)>& on_shared_root = {});
// pivot_root into the rootfs (or MS_MOVE + chroot with no_pivot); cwd "/".
void enter(const Context& ctx, int root_fd);
// maskedPaths, readonlyPaths, root.readonly, rootfsPropagation.
void finalize(const Context& ctx);

// The runtime's side of a container without a private mount namespace:
// detaches (MNT_DETACH, with everything beneath) the rootfs mount with id
// `mount_id` at `rootfs`, in the mount namespace at `ns_path` ("" = our
// own). Nothing happens when that mount is gone already; nothing else at
// that path is touched.
void detach_shared_root(const std::string& rootfs, uint64_t mount_id, const std::string& ns_path);

// The runtime's side of Context::rootfs_fd and bind_sources, for a child
// in a new user and mount namespace: joins the mount namespace of `pid` for
// as long as it takes to open them there, then returns to its own (root,
// and cwd, restored). Index 0 is the rootfs, then 1 + i for mounts[i] where
// it is a bind mount (-1 elsewhere).
std::vector<common::UniqueFd> open_host_sources(pid_t pid, const Context& ctx);

}  // namespace rootfs
