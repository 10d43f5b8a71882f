// Building the container's filesystem view. Every function here runs in the
// container's child process, inside its own (new) mount namespace, in this
// order: prepare() -> [createContainer hooks] -> enter() -> finalize().
// All paths inside the rootfs are resolved with openat2(RESOLVE_IN_ROOT) and
// mounted by fd, so a symlink in the image never points a mount outside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
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
    bool user_namespace = false;    // devices are bind-mounted, not mknod'ed
    bool cgroup_namespace = false;  // "cgroup" mounts may mount cgroupfs itself
    std::vector<cgroups::Hierarchy> cgroups;  // for "cgroup" type mounts
};

// Propagation of "/", the rootfs mount (bind or overlay), every spec mount in
// order, default and configured devices, /dev symlinks.
void prepare(const Context& ctx);
// pivot_root into the rootfs (or MS_MOVE + chroot with no_pivot); cwd "/".
void enter(const Context& ctx);
// maskedPaths, readonlyPaths, root.readonly, rootfsPropagation.
void finalize(const Context& ctx);

}  // namespace rootfs
