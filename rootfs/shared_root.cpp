// detach_shared_root: the cleanup of a container whose mounts live in a
// mount namespace it shares (see rootfs.hpp). Runs in the runtime.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "rootfs/rootfs.hpp"

namespace rootfs {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

// Whether mount `id` is still mounted at `path` in our mount namespace.
bool mounted_at(uint64_t id, const std::string& path) {
    std::ifstream info("/proc/self/mountinfo");
    std::string line;
    while (std::getline(info, line)) {
        std::istringstream fields(line);
        uint64_t mount = 0, parent = 0;
        std::string devices, root, point;
        fields >> mount >> parent >> devices >> root >> point;
        if (mount == id) return unescape_mountinfo(point) == path;
    }
    return false;
}

void detach_here(const std::string& rootfs, uint64_t id) {
    // umount2 takes the topmost mount at the path: repeat while ours is
    // there, in case something was stacked over it.
    for (int i = 0; i < 16 && mounted_at(id, rootfs); ++i) {
        if (::umount2(rootfs.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
            common::throw_errno("rootfs: detach the container's rootfs mount at " + rootfs);
    }
}

}  // namespace

void detach_shared_root(const std::string& rootfs, uint64_t mount_id, const std::string& ns_path) {
    if (mount_id == 0) return;
    if (ns_path.empty()) {
        detach_here(rootfs, mount_id);
        return;
    }
    // A namespace nobody holds any more took its mounts with it.
    common::UniqueFd ns(::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) return;
    // setns(CLONE_NEWNS) also moves our root and cwd: a child does it.
    pid_t pid = ::fork();
    if (pid < 0) common::throw_errno("rootfs: fork to detach the rootfs in " + ns_path);
    if (pid == 0) {
        int status = 0;
        try {
            if (::setns(ns.get(), CLONE_NEWNS) < 0) common::throw_errno("setns " + ns_path);
            detach_here(rootfs, mount_id);
        } catch (const std::exception&) {
            status = 1;
        }
        ::_exit(status);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw common::Error("rootfs: could not detach the container's rootfs at " + rootfs + " in " + ns_path);
}

}  // namespace rootfs
