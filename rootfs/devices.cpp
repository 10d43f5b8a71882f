#include "rootfs/devices.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "rootfs/mount_api.hpp"
#include "rootfs/mount_options.hpp"
#include "rootfs/safe_path.hpp"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

namespace rootfs {

namespace {

using common::UniqueFd;

mode_t device_type(const oci::Device& d, const std::string& label) {
    if (d.type == "c" || d.type == "u") return S_IFCHR;
    if (d.type == "b") return S_IFBLK;
    if (d.type == "p") return S_IFIFO;
    throw common::Error(label + ": unknown device type \"" + d.type + "\"", EINVAL);
}

bool same_node(const struct stat& st, mode_t type, dev_t rdev) {
    if ((st.st_mode & S_IFMT) != type) return false;
    return type == S_IFIFO || st.st_rdev == rdev;
}

// chmod of the object an O_PATH fd holds, never of a path: fchmodat2 with
// AT_EMPTY_PATH (kernel 6.6), else the fd's /proc/self/fd entry.
void chmod_fd(int fd, mode_t mode, const std::string& what) {
    if (::syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0) return;
    if (errno == ENOSYS || errno == EINVAL) {
        if (::chmod(fd_path(fd).c_str(), mode) == 0) return;
    }
    common::throw_errno(what + ": chmod");
}

UniqueFd open_nofollow(int dir, const std::string& name) {
    return UniqueFd(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
}

void make_node(int dir, const std::string& name, mode_t type, dev_t rdev, const std::string& label) {
    if (::mknodat(dir, name.c_str(), type | 0600, rdev) == 0) return;
    if (errno != EEXIST) common::throw_errno(label + ": mknod");
    struct stat st;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && same_node(st, type, rdev)) return;
    // Something else is there (a symlink, a file of the image): replace it.
    if (::unlinkat(dir, name.c_str(), 0) < 0) common::throw_errno(label + ": replace existing entry");
    if (::mknodat(dir, name.c_str(), type | 0600, rdev) < 0) common::throw_errno(label + ": mknod");
}

// In a user namespace mknod is not allowed: an empty regular file becomes
// the mount point of the host's node.
void bind_node(int dir, const std::string& name, const oci::Device& d, mode_t type, dev_t rdev,
               const std::string& label) {
    UniqueFd src = clone_mount(AT_FDCWD, d.path, false, label);
    struct stat st;
    if (::fstat(src.get(), &st) < 0) common::throw_errno(label + ": stat host " + d.path);
    if (!same_node(st, type, rdev))
        throw common::Error(label + ": host " + d.path + " is not the configured device", EINVAL);
    if (::mknodat(dir, name.c_str(), S_IFREG | 0644, 0) < 0 && errno != EEXIST)
        common::throw_errno(label + ": create mount point");
    struct stat existing;
    if (::fstatat(dir, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) < 0) common::throw_errno(label + ": stat");
    if (S_ISLNK(existing.st_mode) || S_ISDIR(existing.st_mode)) {
        if (::unlinkat(dir, name.c_str(), S_ISDIR(existing.st_mode) ? AT_REMOVEDIR : 0) < 0)
            common::throw_errno(label + ": replace existing entry");
        if (::mknodat(dir, name.c_str(), S_IFREG | 0644, 0) < 0) common::throw_errno(label + ": create mount point");
    }
    UniqueFd target = open_nofollow(dir, name);
    if (!target) common::throw_errno(label + ": open mount point");
    if (::fstat(target.get(), &existing) < 0 || S_ISLNK(existing.st_mode) || S_ISDIR(existing.st_mode))
        throw common::Error(label + ": mount point was replaced", EBUSY);
    attach_mount(src.get(), target.get(), label);
}

}  // namespace

std::vector<oci::Device> default_devices() {
    auto dev = [](const char* path, int64_t major, int64_t minor) {
        oci::Device d;
        d.path = path;
        d.type = "c";
        d.major = major;
        d.minor = minor;
        d.fileMode = 0666;
        d.uid = 0;
        d.gid = 0;
        return d;
    };
    return {dev("/dev/null", 1, 3),   dev("/dev/zero", 1, 5),    dev("/dev/full", 1, 7),
            dev("/dev/random", 1, 8), dev("/dev/urandom", 1, 9), dev("/dev/tty", 5, 0)};
}

bool needs_dev_setup(const oci::Spec& spec) {
    for (const oci::Mount& m : spec.mounts) {
        if (clean_path(m.destination) != "/dev") continue;
        MountOptions opts = parse_mount_options(m.options);
        if (opts.bind || m.type == "bind") return false;
    }
    return true;
}

void create_device(int root_fd, const oci::Device& d, bool bind_host, const std::string& label) {
    mode_t type = device_type(d, label);
    dev_t rdev = type == S_IFIFO ? 0 : makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
    auto [parent, name] = split_last(d.path, label);
    UniqueFd dir = mkdir_all_in_root(root_fd, parent, 0755, label);
    if (bind_host) {
        bind_node(dir.get(), name, d, type, rdev, label);
        return;
    }
    make_node(dir.get(), name, type, rdev, label);
    // Owner and mode go to the node just checked, through its fd.
    UniqueFd node = open_nofollow(dir.get(), name);
    struct stat st;
    if (!node || ::fstat(node.get(), &st) < 0) common::throw_errno(label + ": open");
    if (!same_node(st, type, rdev)) throw common::Error(label + ": device node was replaced", EBUSY);
    if (::fchownat(node.get(), "", d.uid.value_or(0), d.gid.value_or(0), AT_EMPTY_PATH) < 0)
        common::throw_errno(label + ": chown");
    chmod_fd(node.get(), d.fileMode.value_or(0666) & 07777, label);
}

void create_dev_symlinks(int root_fd, bool devpts_mounted) {
    UniqueFd dev = mkdir_all_in_root(root_fd, "/dev", 0755, "/dev");
    std::vector<std::pair<const char*, const char*>> links = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    if (::access("/proc/kcore", F_OK) == 0) links.emplace_back("/proc/kcore", "core");
    for (auto [target, name] : links) {
        // An entry the image already has is left as it is (runc does the
        // same); symlinkat never follows it.
        if (::symlinkat(target, dev.get(), name) < 0 && errno != EEXIST)
            common::throw_errno(std::string("/dev/") + name + ": symlink");
    }
    if (devpts_mounted) {
        // The devpts instance's ptmx, not the host's (runtime-linux.md).
        if (::unlinkat(dev.get(), "ptmx", 0) < 0 && errno != ENOENT) common::throw_errno("/dev/ptmx: remove");
        if (::symlinkat("pts/ptmx", dev.get(), "ptmx") < 0) common::throw_errno("/dev/ptmx: symlink");
    }
}

void create_devices(const Context& ctx, int root_fd) {
    if (!needs_dev_setup(*ctx.spec)) return;
    const std::vector<oci::Device> none;
    const std::vector<oci::Device>& configured = ctx.spec->linux ? ctx.spec->linux->devices : none;
    for (const oci::Device& d : default_devices()) {
        bool overridden = false;
        for (const oci::Device& c : configured)
            if (clean_path(c.path) == d.path) overridden = true;
        if (!overridden) create_device(root_fd, d, ctx.user_namespace, "default device " + d.path);
    }
    for (size_t i = 0; i < configured.size(); ++i)
        create_device(root_fd, configured[i], ctx.user_namespace,
                      "linux.devices[" + std::to_string(i) + "] " + configured[i].path);
    bool devpts = false;
    for (const oci::Mount& m : ctx.spec->mounts)
        if (m.type == "devpts" && clean_path(m.destination) == "/dev/pts") devpts = true;
    create_dev_symlinks(root_fd, devpts);
}

}  // namespace rootfs
