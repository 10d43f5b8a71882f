#include "rootfs/pivot.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "rootfs/mount_api.hpp"
#include "rootfs/mount_options.hpp"

namespace rootfs {

namespace {

// Walks up from `path` to the first directory that is a mount root and
// makes that mount private. MS_PRIVATE on a path that is not a mount root
// fails with EINVAL, which is how the walk recognises one; the rootfs path
// is symlink-free, so the first hit is the mount that holds the rootfs.
void make_holder_private(const std::string& path) {
    std::string p = path;
    for (;;) {
        if (::mount(nullptr, p.c_str(), nullptr, MS_PRIVATE, nullptr) == 0) return;
        if (errno != EINVAL) common::throw_errno("rootfs: make the mount of " + p + " private");
        if (p == "/") common::throw_errno("rootfs: make the mount of " + path + " private", EINVAL);
        size_t slash = p.find_last_of('/');
        p = slash == 0 ? "/" : p.substr(0, slash);
    }
}

// overlayfs splits lowerdir on ':' and takes '\' as an escape.
std::string escape_overlay_path(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == ':' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// Mount points of whole procfs and sysfs instances outside `rootfs`, from
// /proc/self/mountinfo ("id parent dev root point opts [tags] - type ...").
std::vector<std::string> full_proc_and_sys_outside(const std::string& rootfs) {
    std::vector<std::string> points;
    std::ifstream info("/proc/self/mountinfo");
    std::string line;
    while (std::getline(info, line)) {
        std::istringstream fields(line);
        std::string id, parent, dev, root, point, field;
        fields >> id >> parent >> dev >> root >> point;
        while (fields >> field && field != "-") {
        }
        std::string type;
        fields >> type;
        if (root != "/" || (type != "proc" && type != "sysfs")) continue;
        if (point == rootfs || point.rfind(rootfs + "/", 0) == 0) continue;
        points.push_back(point);  // mountinfo escapes; such names are not ours to reach anyway
    }
    return points;
}

// With MS_MOVE + chroot the host's procfs and sysfs stay in the container's
// mount namespace, merely out of sight, and the kernel lets a nested user
// namespace mount a fresh procfs as long as a fully visible one exists in
// the namespace. Detach them (or, where that is refused, cover them), as
// runc does.
void hide_full_proc_and_sys(const std::string& rootfs) {
    for (const std::string& point : full_proc_and_sys_outside(rootfs)) {
        if (::umount2(point.c_str(), MNT_DETACH) == 0) continue;
        if (errno == ENOENT) continue;  // gone with a parent detached before
        if (errno != EINVAL && errno != EPERM) common::throw_errno("rootfs: detach " + point + " before --no-pivot");
        if (::mount("tmpfs", point.c_str(), "tmpfs", 0, nullptr) < 0 && errno != ENOENT)
            common::throw_errno("rootfs: cover " + point + " before --no-pivot");
    }
}

}  // namespace

common::UniqueFd prepare_root(const Context& ctx) {
    if (ctx.rootfs.empty() || ctx.rootfs[0] != '/')
        throw common::Error("root.path: the rootfs must be an absolute path: " + ctx.rootfs, EINVAL);
    if (ctx.private_mount_ns) {
        unsigned long propagation = MS_SLAVE | MS_REC;
        if (ctx.spec->linux && !ctx.spec->linux->rootfsPropagation.empty())
            propagation = parse_propagation(ctx.spec->linux->rootfsPropagation);
        if (::mount(nullptr, "/", nullptr, propagation, nullptr) < 0)
            common::throw_errno("linux.rootfsPropagation: set propagation of /");
        // After rslave or rprivate no mount is shared any more.
        if (!(propagation & MS_REC) || (propagation & MS_SHARED)) make_holder_private(ctx.rootfs);
    }
    common::UniqueFd own_target;
    int target = ctx.rootfs_fd;
    if (target < 0) {
        own_target.reset(::open(ctx.rootfs.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!own_target) common::throw_errno("rootfs: open " + ctx.rootfs);
        target = own_target.get();
    }
    // The new mount goes on top of the directory; its fd is the new root
    // (the directory's own fd still sees what lies beneath).
    common::UniqueFd root;
    if (ctx.overlay) {
        std::vector<std::string> data = {
            "lowerdir=" + escape_overlay_path(ctx.rootfs),
            "upperdir=" + ctx.overlay->upper,
            "workdir=" + ctx.overlay->work,
        };
        root = new_fs_mount("overlay", "overlay", 0, data, 0, "rootfs overlay on " + ctx.rootfs);
        attach_mount(root.get(), target, "rootfs overlay on " + ctx.rootfs);
    } else {
        // A bind onto itself: pivot_root needs the new root to be a mount.
        root = clone_mount(target, "", true, "rootfs " + ctx.rootfs);
        attach_mount(root.get(), target, "rootfs: bind " + ctx.rootfs + " onto itself");
    }
    return root;
}

void enter_root(const Context& ctx, int root_fd) {
    if (::fchdir(root_fd) < 0) common::throw_errno("rootfs: chdir " + ctx.rootfs);

    if (!ctx.private_mount_ns) {
        if (::chroot(".") < 0) common::throw_errno("rootfs: chroot " + ctx.rootfs);
        if (::chdir("/") < 0) common::throw_errno("rootfs: chdir /");
        return;
    }
    if (ctx.no_pivot) {
        hide_full_proc_and_sys(ctx.rootfs);
        if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) common::throw_errno("rootfs: move " + ctx.rootfs + " to /");
        if (::chroot(".") < 0) common::throw_errno("rootfs: chroot");
        if (::chdir("/") < 0) common::throw_errno("rootfs: chdir /");
        return;
    }

    common::UniqueFd old_root(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!old_root) common::throw_errno("rootfs: open /");
    // pivot_root(".", "."): the old root ends up stacked under the new one
    // at "/", with no put_old directory needed inside the image.
    if (::syscall(SYS_pivot_root, ".", ".") < 0) common::throw_errno("rootfs: pivot_root");
    if (::fchdir(old_root.get()) < 0) common::throw_errno("rootfs: chdir to the old root");
    // rslave first, so the detach below cannot propagate to the host's mounts.
    if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
        common::throw_errno("rootfs: make the old root rslave");
    if (::umount2(".", MNT_DETACH) < 0) common::throw_errno("rootfs: detach the old root");
    if (::chdir("/") < 0) common::throw_errno("rootfs: chdir /");
}

uint64_t mount_id(int fd) {
    struct statx st {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &st) < 0 || !(st.stx_mask & STATX_MNT_ID))
        common::throw_errno("rootfs: statx mount id");
    return st.stx_mnt_id;
}

}  // namespace rootfs
