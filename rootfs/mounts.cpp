#include "rootfs/mounts.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "rootfs/copy_tree.hpp"
#include "rootfs/mount_api.hpp"
#include "rootfs/mount_options.hpp"
#include "rootfs/safe_path.hpp"

namespace rootfs {

namespace {

using common::UniqueFd;

bool is_bind(const oci::Mount& m, const MountOptions& opts) { return opts.bind || m.type == "bind"; }

// The target directory of a mount at /proc: the image's own "proc" entry,
// never through a symlink (a /proc symlink would let the image choose where
// procfs, and every later /proc write, goes).
UniqueFd proc_target(int root_fd, const std::string& label) {
    int fd = openat2_in_root(root_fd, "/proc", O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
    if (fd < 0 && errno == ENOENT) {
        if (::mkdirat(root_fd, "proc", 0555) < 0 && errno != EEXIST) common::throw_errno(label + ": mkdir /proc");
        fd = openat2_in_root(root_fd, "/proc", O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
    }
    if (fd < 0 && (errno == ELOOP || errno == ENOENT))
        throw common::Error(label + ": /proc in the rootfs is a symlink; refusing to mount procfs through it", ELOOP);
    if (fd < 0) common::throw_errno(label + ": open /proc");
    return UniqueFd(fd);
}

// A destination that lands on procfs only because of an in-root symlink
// would let a config or image write over /proc files: refuse it.
void refuse_hidden_proc(int target_fd, const std::string& dest, const std::string& label) {
    if (dest.rfind("/proc/", 0) == 0) return;  // checked lexically already
    if (is_filesystem(target_fd, PROC_SUPER_MAGIC))
        throw common::Error(label + ": destination resolves into procfs", EPERM);
}

// Mounts a detached mount, then applies the entry's propagation.
void attach(const UniqueFd& mnt, const UniqueFd& target, const MountOptions& opts, const std::string& label) {
    attach_mount(mnt.get(), target.get(), label);
    set_propagation(mnt.get(), opts.propagation, label);
}

void bind_mount(const Context& ctx, int root_fd, const oci::Mount& m, const MountOptions& opts,
                const std::string& dest, const std::string& label, int opened_source) {
    if (m.source.empty()) throw common::Error(label + ": bind mount without a source", EINVAL);
    UniqueFd src = opened_source >= 0 ? UniqueFd(opened_source) : clone_mount(AT_FDCWD, m.source, opts.recursive, label);
    struct stat st;
    if (::fstat(src.get(), &st) < 0) common::throw_errno(label + ": stat " + m.source);
    UniqueFd target;
    if (dest == "/proc") {
        // Binding a procfs (the host's or another container's) is fine;
        // anything else on /proc is a fake.
        require_procfs(src.get(), label + ": source " + m.source);
        target = proc_target(root_fd, label);
    } else if (S_ISDIR(st.st_mode)) {
        target = mkdir_all_in_root(root_fd, dest, 0755, label);
    } else {
        target = ensure_file_in_root(root_fd, dest, 0644, label);
    }
    refuse_hidden_proc(target.get(), dest, label);
    // A bind takes the source's flags; ro, nosuid, ... are a change made on
    // the copy before it is attached, so the container never sees it rw.
    set_mount_attr(src.get(), to_mount_attr(opts.flags, opts.clear_flags), false, ctx.user_namespace, label);
    set_mount_attr(src.get(), opts.recursive_attr, true, ctx.user_namespace, label);
    attach(src, target, opts, label);
}

// A filesystem mount, with runc's fallbacks for a user namespace that does
// not own the network (sysfs) or IPC (mqueue) namespace: bind the host's.
UniqueFd make_fs_mount(const Context& ctx, const oci::Mount& m, const MountOptions& opts, const std::string& label) {
    uint64_t attr = to_mount_attr(opts.flags, 0).set;
    try {
        return new_fs_mount(m.type, m.source, opts.flags, opts.data, attr, label);
    } catch (const common::Error& e) {
        const char* fallback = nullptr;
        if (m.type == "sysfs") fallback = "/sys";
        if (m.type == "mqueue") fallback = "/dev/mqueue";
        if (e.code() != EPERM || fallback == nullptr) throw;
        UniqueFd src = clone_mount(AT_FDCWD, fallback, m.type == "sysfs", label);
        set_mount_attr(src.get(), to_mount_attr(opts.flags, opts.clear_flags), false, ctx.user_namespace, label);
        return src;
    }
}

void fs_mount(const Context& ctx, int root_fd, const oci::Mount& m, const MountOptions& opts,
              const std::string& dest, const std::string& label) {
    if (m.type.empty()) throw common::Error(label + ": mount without a type", EINVAL);
    if (dest == "/proc" && m.type != "proc")
        throw common::Error(label + ": only procfs may be mounted on /proc, not " + m.type, EPERM);
    UniqueFd target = dest == "/proc" ? proc_target(root_fd, label) : mkdir_all_in_root(root_fd, dest, 0755, label);
    refuse_hidden_proc(target.get(), dest, label);
    UniqueFd mnt = make_fs_mount(ctx, m, opts, label);
    if (m.type == "proc") require_procfs(mnt.get(), label);
    set_mount_attr(mnt.get(), opts.recursive_attr, true, ctx.user_namespace, label);
    if (opts.tmpcopyup && m.type == "tmpfs") copy_tree(target.get(), mnt.get(), label);
    attach(mnt, target, opts, label);
}

// Controller list of a v1 hierarchy directory name ("cpu,cpuacct",
// "name=systemd") as cgroupfs mount options.
std::vector<std::string> v1_mount_data(const std::string& name) {
    std::vector<std::string> data;
    size_t pos = 0;
    while (pos <= name.size()) {
        size_t comma = name.find(',', pos);
        if (comma == std::string::npos) comma = name.size();
        if (comma > pos) data.push_back(name.substr(pos, comma - pos));
        pos = comma + 1;
    }
    if (data.size() == 1 && data[0].rfind("name=", 0) == 0) data.insert(data.begin(), "none");
    return data;
}

// One hierarchy's mount for the container: its own cgroupfs when the
// container has a cgroup namespace (the namespace root is its cgroup),
// otherwise a bind of the container's cgroup directory.
UniqueFd hierarchy_mount(const Context& ctx, const cgroups::Hierarchy& h, const MountOptions& opts,
                         const std::string& label) {
    MountAttr attr = to_mount_attr(opts.flags, 0);
    if (ctx.cgroup_namespace) {
        if (h.unified) return new_fs_mount("cgroup2", "cgroup2", opts.flags, {}, attr.set, label);
        return new_fs_mount("cgroup", "cgroup", opts.flags,
                            v1_mount_data(h.controllers.empty() ? h.name : h.controllers), attr.set, label);
    }
    UniqueFd mnt = clone_mount(AT_FDCWD, h.path, false, label);
    set_mount_attr(mnt.get(), attr, false, ctx.user_namespace, label);
    return mnt;
}

void cgroup_mount(const Context& ctx, int root_fd, const MountOptions& opts, const std::string& dest,
                  const std::string& label) {
    UniqueFd target = mkdir_all_in_root(root_fd, dest, 0755, label);
    refuse_hidden_proc(target.get(), dest, label);
    // A v2-only host: the one hierarchy is mounted at the destination itself.
    if (ctx.cgroups.size() == 1 && ctx.cgroups[0].name.empty()) {
        UniqueFd mnt = hierarchy_mount(ctx, ctx.cgroups[0], opts, label);
        set_mount_attr(mnt.get(), opts.recursive_attr, true, ctx.user_namespace, label);
        attach(mnt, target, opts, label);
        return;
    }
    // v1 or hybrid: a tmpfs holding one directory per hierarchy. It is made
    // read-only (when asked) only after it is populated.
    unsigned long tmpfs_flags = opts.flags & ~static_cast<unsigned long>(MS_RDONLY);
    UniqueFd tmpfs = new_fs_mount("tmpfs", "tmpfs", tmpfs_flags, {"mode=755"},
                                  to_mount_attr(tmpfs_flags, 0).set, label);
    attach_mount(tmpfs.get(), target.get(), label);
    for (const cgroups::Hierarchy& h : ctx.cgroups) {
        const std::string sub_label = label + "/" + h.name;
        if (h.name.empty() || h.name.find('/') != std::string::npos || h.name == "." || h.name == "..")
            throw common::Error(sub_label + ": bad hierarchy name", EINVAL);
        if (::mkdirat(tmpfs.get(), h.name.c_str(), 0755) < 0) common::throw_errno(sub_label + ": mkdir");
        UniqueFd dir(::openat(tmpfs.get(), h.name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) common::throw_errno(sub_label + ": open");
        UniqueFd mnt = hierarchy_mount(ctx, h, opts, sub_label);
        attach_mount(mnt.get(), dir.get(), sub_label);
        // Co-mounted controllers are reachable under each name, as on the
        // host (cpu -> cpu,cpuacct).
        if (h.name.find(',') != std::string::npos) {
            for (const std::string& part : v1_mount_data(h.name)) {
                if (part.find('=') != std::string::npos || part == "none") continue;
                if (::symlinkat(h.name.c_str(), tmpfs.get(), part.c_str()) < 0 && errno != EEXIST)
                    common::throw_errno(sub_label + ": symlink " + part);
            }
        }
    }
    MountAttr attr = to_mount_attr(opts.flags & MS_RDONLY, 0);
    set_mount_attr(tmpfs.get(), attr, false, ctx.user_namespace, label);
    set_mount_attr(tmpfs.get(), opts.recursive_attr, true, ctx.user_namespace, label);
    set_propagation(tmpfs.get(), opts.propagation, label);
}

}  // namespace

bool proc_destination_allowed(const std::string& dest) {
    // Files that lxcfs and similar tools virtualise; the same list runc
    // accepts. Directories and other proc files stay procfs.
    static const char* const allowed[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",  "/proc/swaps",
        "/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    };
    for (const char* a : allowed)
        if (dest == a) return true;
    return false;
}

bool readonly_deferred(const oci::Spec& spec, size_t index) {
    const oci::Mount& m = spec.mounts[index];
    MountOptions opts = parse_mount_options(m.options);
    if (!(opts.flags & MS_RDONLY) || is_bind(m, opts) || m.destination.empty() || m.destination[0] != '/') return false;
    const std::string dest = clean_path(m.destination);
    // Devices, /dev symlinks and the console are made in /dev after the
    // mounts: runc's rule for a read-only /dev.
    if (dest == "/dev") return true;
    for (size_t j = index + 1; j < spec.mounts.size(); ++j) {
        const std::string& later = spec.mounts[j].destination;
        if (!later.empty() && later[0] == '/' && clean_path(later).rfind(dest + "/", 0) == 0) return true;
    }
    return false;
}

void apply_deferred_readonly(int root_fd, const oci::Spec& spec) {
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        if (!readonly_deferred(spec, i)) continue;
        const std::string label = "mounts[" + std::to_string(i) + "] " + spec.mounts[i].destination;
        UniqueFd target(openat2_in_root(root_fd, clean_path(spec.mounts[i].destination), O_PATH | O_DIRECTORY));
        if (!target) common::throw_errno(label + ": open to make it read-only");
        // Only that mount: what was mounted beneath keeps its own flags.
        set_mount_attr(target.get(), MountAttr{MOUNT_ATTR_RDONLY, 0}, false, false, label + ": read-only");
    }
}

void mount_one(const Context& ctx, int root_fd, const oci::Mount& m, const std::string& label, int opened_source,
               bool defer_readonly) {
    MountOptions opts = parse_mount_options(m.options);
    // Read-only last, once everything beneath is in place.
    if (defer_readonly) opts.flags &= ~static_cast<unsigned long>(MS_RDONLY);
    if (opts.idmap || !m.uidMappings.empty() || !m.gidMappings.empty())
        throw common::Error(label + ": idmapped mounts are not supported yet", ENOTSUP);
    // A bind applies its flags to its own copy anyway; "remount" of some
    // other, earlier mount is not something this runtime does.
    if ((opts.flags & MS_REMOUNT) && !is_bind(m, opts))
        throw common::Error(label + ": the \"remount\" option is only supported on bind mounts", ENOTSUP);
    if (m.destination.empty() || m.destination[0] != '/')
        throw common::Error(label + ": destination must be an absolute path", EINVAL);
    const std::string dest = clean_path(m.destination);
    if (dest == "/") throw common::Error(label + ": cannot mount over the container's root", EINVAL);
    if (dest.rfind("/proc/", 0) == 0 && !proc_destination_allowed(dest))
        throw common::Error(label + ": mounting over " + dest + " is not allowed", EPERM);

    if (is_bind(m, opts)) {
        bind_mount(ctx, root_fd, m, opts, dest, label, opened_source);
    } else if (m.type == "cgroup" || m.type == "cgroup2") {
        cgroup_mount(ctx, root_fd, opts, dest, label);
    } else {
        fs_mount(ctx, root_fd, m, opts, dest, label);
    }
}

void mount_all(const Context& ctx, int root_fd) {
    const auto& mounts = ctx.spec->mounts;
    for (size_t i = 0; i < mounts.size(); ++i) {
        int source = i < ctx.bind_sources.size() ? ctx.bind_sources[i] : -1;
        mount_one(ctx, root_fd, mounts[i], "mounts[" + std::to_string(i) + "] " + mounts[i].destination, source,
                  readonly_deferred(*ctx.spec, i));
    }
}

}  // namespace rootfs
