#include "rootfs/masked.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "rootfs/mount_api.hpp"
#include "rootfs/mount_options.hpp"
#include "rootfs/safe_path.hpp"

namespace rootfs {

namespace {

using common::UniqueFd;

// The container's /dev/null, opened without following any symlink and
// checked to be the real null device: binding whatever an image or a
// racing process put there would expose it at every masked path.
UniqueFd open_dev_null(int root_fd) {
    const std::string what = "linux.maskedPaths: /dev/null";
    int fd = openat2_in_root(root_fd, "/dev/null", O_PATH, RESOLVE_NO_SYMLINKS);
    if (fd < 0) common::throw_errno(what);
    UniqueFd null(fd);
    struct stat st;
    if (::fstat(null.get(), &st) < 0) common::throw_errno(what + ": stat");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        throw common::Error(what + " is not the null device (char 1:3); refusing to mask with it", EPERM);
    return null;
}

}  // namespace

void mask_paths(int root_fd, const std::vector<std::string>& paths) {
    UniqueFd null;
    for (size_t i = 0; i < paths.size(); ++i) {
        const std::string label = "linux.maskedPaths[" + std::to_string(i) + "] " + paths[i];
        UniqueFd target = resolve_in_root_if_exists(root_fd, paths[i], label);
        if (!target) continue;
        struct stat st;
        if (::fstat(target.get(), &st) < 0) common::throw_errno(label + ": stat");
        UniqueFd mnt;
        if (S_ISDIR(st.st_mode)) {
            mnt = new_fs_mount("tmpfs", "tmpfs", MS_RDONLY, {}, MOUNT_ATTR_RDONLY, label);
        } else {
            if (!null) null = open_dev_null(root_fd);
            mnt = clone_mount(null.get(), "", false, label);
        }
        attach_mount(mnt.get(), target.get(), label);
    }
}

void make_paths_readonly(int root_fd, const std::vector<std::string>& paths) {
    for (size_t i = 0; i < paths.size(); ++i) {
        const std::string label = "linux.readonlyPaths[" + std::to_string(i) + "] " + paths[i];
        UniqueFd target = resolve_in_root_if_exists(root_fd, paths[i], label);
        if (!target) continue;
        // Made read-only while detached, so there is no moment where the
        // new mount is visible and writable.
        UniqueFd mnt = clone_mount(target.get(), "", true, label);
        set_mount_attr(mnt.get(), MountAttr{MOUNT_ATTR_RDONLY, 0}, true, false, label);
        attach_mount(mnt.get(), target.get(), label);
    }
}

void make_root_readonly(int root_fd) {
    set_mount_attr(root_fd, MountAttr{MOUNT_ATTR_RDONLY, 0}, false, false, "root.readonly");
}

void apply_root_propagation(int root_fd, const std::string& propagation) {
    set_propagation(root_fd, parse_propagation(propagation), "linux.rootfsPropagation");
}

}  // namespace rootfs
