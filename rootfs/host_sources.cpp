// open_host_sources: the runtime opens, inside a new container's mount
// namespace, what the container's user namespace may not reach (runc does
// the same from its parent process).
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "common/error.hpp"
#include "rootfs/mount_api.hpp"
#include "rootfs/mount_options.hpp"
#include "rootfs/rootfs.hpp"

namespace rootfs {

namespace {

common::UniqueFd open_or_throw(const std::string& path, int flags, const std::string& what) {
    common::UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
    if (!fd) common::throw_errno(what + ": open " + path);
    return fd;
}

// Puts the caller back in its own mount namespace, root and cwd, however
// the opening ends.
class MountNamespaceVisit {
public:
    explicit MountNamespaceVisit(pid_t pid)
        : own_(open_or_throw("/proc/self/ns/mnt", O_RDONLY, "rootfs")),
          root_(open_or_throw("/", O_PATH | O_DIRECTORY, "rootfs")),
          cwd_(open_or_throw(".", O_PATH | O_DIRECTORY, "rootfs")) {
        const std::string path = "/proc/" + std::to_string(pid) + "/ns/mnt";
        common::UniqueFd theirs = open_or_throw(path, O_RDONLY, "rootfs");
        if (::setns(theirs.get(), CLONE_NEWNS) < 0) common::throw_errno("rootfs: setns " + path);
    }
    ~MountNamespaceVisit() {
        // Failing here would leave the runtime in the container's view of
        // the filesystem: nothing sensible can follow.
        if (::setns(own_.get(), CLONE_NEWNS) < 0 || ::fchdir(root_.get()) < 0 || ::chroot(".") < 0 ||
            ::fchdir(cwd_.get()) < 0) {
            ::_exit(125);
        }
    }
    MountNamespaceVisit(const MountNamespaceVisit&) = delete;
    MountNamespaceVisit& operator=(const MountNamespaceVisit&) = delete;

private:
    common::UniqueFd own_, root_, cwd_;
};

}  // namespace

std::vector<common::UniqueFd> open_host_sources(pid_t pid, const Context& ctx) {
    std::vector<common::UniqueFd> out;
    MountNamespaceVisit visit(pid);
    out.push_back(open_or_throw(ctx.rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW, "root.path"));
    const auto& mounts = ctx.spec->mounts;
    for (size_t i = 0; i < mounts.size(); ++i) {
        const oci::Mount& m = mounts[i];
        MountOptions opts = parse_mount_options(m.options);
        if ((!opts.bind && m.type != "bind") || m.source.empty()) {
            out.emplace_back();
            continue;
        }
        // A detached copy: the child attaches it without resolving the path.
        out.push_back(clone_mount(AT_FDCWD, m.source, opts.recursive,
                                  "mounts[" + std::to_string(i) + "] " + m.destination));
    }
    return out;
}

}  // namespace rootfs
