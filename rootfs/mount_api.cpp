#include "rootfs/mount_api.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

// statfs reports nosymfollow with the MS_ bit value; older headers lack the name.
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

namespace rootfs {

namespace {

// Messages the kernel queued on an fs context ("e tmpfs: Bad value ..."),
// joined for an error text; empty when there are none.
std::string fs_context_log(int fs_fd) {
    std::string out;
    char buf[512];
    for (int i = 0; i < 8; ++i) {
        ssize_t n = ::read(fs_fd, buf, sizeof buf - 1);
        if (n <= 0) break;
        while (n > 0 && buf[n - 1] == '\n') --n;
        std::string line(buf, static_cast<size_t>(n));
        if (line.size() > 2 && line[1] == ' ') line.erase(0, 2);  // drop the "e " level
        if (!out.empty()) out += "; ";
        out += line;
    }
    return out;
}

[[noreturn]] void throw_fs(int fs_fd, const std::string& what, int err) {
    std::string log = fs_context_log(fs_fd);
    std::string message = common::errno_message(what, err);
    if (!log.empty()) message += " (" + log + ")";
    throw common::Error(message, err);
}

// Per-mount attributes the mount has now, from statfs f_flag; the atime
// field holds the current mode (strictatime when neither flag is shown).
uint64_t current_attr(int fd) {
    struct statfs st;
    if (::fstatfs(fd, &st) < 0) return 0;
    uint64_t attr = 0;
    if (st.f_flags & ST_RDONLY) attr |= MOUNT_ATTR_RDONLY;
    if (st.f_flags & ST_NOSUID) attr |= MOUNT_ATTR_NOSUID;
    if (st.f_flags & ST_NODEV) attr |= MOUNT_ATTR_NODEV;
    if (st.f_flags & ST_NOEXEC) attr |= MOUNT_ATTR_NOEXEC;
    if (st.f_flags & ST_NODIRATIME) attr |= MOUNT_ATTR_NODIRATIME;
    if (st.f_flags & ST_NOSYMFOLLOW) attr |= MOUNT_ATTR_NOSYMFOLLOW;
    if (st.f_flags & ST_NOATIME) {
        attr |= MOUNT_ATTR_NOATIME;
    } else if (!(st.f_flags & ST_RELATIME)) {
        attr |= MOUNT_ATTR_STRICTATIME;
    }
    return attr;
}

}  // namespace

common::UniqueFd clone_mount(int dirfd, const std::string& path, bool recursive, const std::string& what) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    if (recursive) flags |= AT_RECURSIVE;
    if (path.empty()) flags |= AT_EMPTY_PATH;
    int fd = ::open_tree(dirfd, path.c_str(), flags);
    if (fd < 0) common::throw_errno(what + ": bind " + (path.empty() ? std::string("fd") : path));
    return common::UniqueFd(fd);
}

common::UniqueFd new_fs_mount(const std::string& type, const std::string& source, unsigned long flags,
                              const std::vector<std::string>& data, uint64_t attr_set,
                              const std::string& what) {
    const std::string prefix = what + ": mount " + type;
    int raw = ::fsopen(type.c_str(), FSOPEN_CLOEXEC);
    if (raw < 0) common::throw_errno(prefix);
    common::UniqueFd fs(raw);
    if (!source.empty() && ::fsconfig(fs.get(), FSCONFIG_SET_STRING, "source", source.c_str(), 0) < 0)
        throw_fs(fs.get(), prefix + ": source " + source, errno);
    for (const std::string& key : superblock_flag_keys(flags))
        if (::fsconfig(fs.get(), FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0) < 0)
            throw_fs(fs.get(), prefix + ": option " + key, errno);
    // mount(2) splits its data string the same way: "k=v" is a string
    // parameter, a bare "k" a flag.
    for (const std::string& option : data) {
        FsParam p = split_fs_param(option);
        int rc = p.has_value
                     ? ::fsconfig(fs.get(), FSCONFIG_SET_STRING, p.key.c_str(), p.value.c_str(), 0)
                     : ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, p.key.c_str(), nullptr, 0);
        if (rc < 0) throw_fs(fs.get(), prefix + ": option " + option, errno);
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) throw_fs(fs.get(), prefix, errno);
    int mnt = ::fsmount(fs.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attr_set));
    if (mnt < 0) throw_fs(fs.get(), prefix, errno);
    return common::UniqueFd(mnt);
}

void set_mount_attr(int mount_fd, MountAttr attr, bool recursive, bool keep_locked, const std::string& what) {
    if (keep_locked) {
        constexpr uint64_t atime = MOUNT_ATTR__ATIME;
        uint64_t now = current_attr(mount_fd);
        attr.clear &= ~(now & ~atime);
        // The atime mode is an enum and, when locked, cannot change at all:
        // keep the current one rather than have the kernel refuse.
        if ((attr.clear & atime) && (attr.set & atime) != (now & atime)) {
            attr.set &= ~atime;
            attr.clear &= ~atime;
        }
    }
    if (attr.empty()) return;
    struct mount_attr ma = {};
    ma.attr_set = attr.set;
    ma.attr_clr = attr.clear;
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (::mount_setattr(mount_fd, "", flags, &ma, sizeof ma) < 0) common::throw_errno(what + ": set mount flags");
}

void set_propagation(int mount_fd, unsigned long propagation, const std::string& what) {
    if (propagation == 0) return;
    struct mount_attr ma = {};
    ma.propagation = propagation & ~static_cast<unsigned long>(MS_REC);
    unsigned flags = AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0);
    if (::mount_setattr(mount_fd, "", flags, &ma, sizeof ma) < 0) common::throw_errno(what + ": set propagation");
}

void attach_mount(int mount_fd, int target_fd, const std::string& what) {
    if (::move_mount(mount_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        common::throw_errno(what + ": attach mount");
}

bool is_filesystem(int fd, long magic) {
    struct statfs st;
    return ::fstatfs(fd, &st) == 0 && static_cast<long>(st.f_type) == magic;
}

void require_procfs(int fd, const std::string& what) {
    struct statfs st;
    if (::fstatfs(fd, &st) < 0) common::throw_errno(what + ": statfs");
    if (static_cast<long>(st.f_type) != PROC_SUPER_MAGIC)
        throw common::Error(what + ": not a procfs (refusing a fake /proc)", EINVAL);
}

}  // namespace rootfs
