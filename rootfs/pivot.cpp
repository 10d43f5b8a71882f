#include "rootfs/pivot.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace

common::UniqueFd prepare_root(const Context& ctx) {
    if (ctx.rootfs.empty() || ctx.rootfs[0] != '/')
        throw common::Error("root.path: the rootfs must be an absolute path: " + ctx.rootfs, EINVAL);
    unsigned long propagation = MS_SLAVE | MS_REC;
    if (ctx.spec->linux && !ctx.spec->linux->rootfsPropagation.empty())
        propagation = parse_propagation(ctx.spec->linux->rootfsPropagation);
    if (::mount(nullptr, "/", nullptr, propagation, nullptr) < 0)
        common::throw_errno("linux.rootfsPropagation: set propagation of /");
    make_holder_private(ctx.rootfs);

    if (ctx.overlay) {
        std::vector<std::string> data = {
            "lowerdir=" + escape_overlay_path(ctx.rootfs),
            "upperdir=" + ctx.overlay->upper,
            "workdir=" + ctx.overlay->work,
        };
        // Resolve the lower layer before the overlay covers the same path.
        common::UniqueFd mnt = new_fs_mount("overlay", "overlay", 0, data, 0, "rootfs overlay on " + ctx.rootfs);
        common::UniqueFd target(::open(ctx.rootfs.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!target) common::throw_errno("rootfs: open " + ctx.rootfs);
        attach_mount(mnt.get(), target.get(), "rootfs overlay on " + ctx.rootfs);
    } else {
        // A bind onto itself: pivot_root needs the new root to be a mount.
        if (::mount(ctx.rootfs.c_str(), ctx.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
            common::throw_errno("rootfs: bind " + ctx.rootfs + " onto itself");
    }
    // Opened after the mount, so that it refers to the new mount's root.
    common::UniqueFd root(::open(ctx.rootfs.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root) common::throw_errno("rootfs: open " + ctx.rootfs);
    return root;
}

void enter_root(const Context& ctx) {
    common::UniqueFd new_root(::open(ctx.rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!new_root) common::throw_errno("rootfs: open " + ctx.rootfs);
    if (::fchdir(new_root.get()) < 0) common::throw_errno("rootfs: chdir " + ctx.rootfs);

    if (ctx.no_pivot) {
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

}  // namespace rootfs
