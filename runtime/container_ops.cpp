#include "runtime/container_ops.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <dirent.h>

#include <cctype>
#include <cstring>

#include "common/error.hpp"
#include "oci/parse.hpp"
#include "oci/version.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/container_remains.hpp"
#include "runtime/hooks.hpp"
#include "runtime/logging.hpp"
#include "runtime/process_info.hpp"

namespace runtime {

bool Container::init_alive() const { return process_alive(record.pid, record.pid_start_time); }

oci::Status Container::status() const {
    if (record.pid == 0) return oci::Status::creating;
    if (!init_alive()) return oci::Status::stopped;
    if (cgroup) {
        try {
            if (cgroup->frozen()) return oci::Status::paused;
        } catch (const common::Error&) {
        }
    }
    struct stat st;
    if (::stat(dir.file("exec.fifo").c_str(), &st) == 0) return oci::Status::created;
    return oci::Status::running;
}

std::string Container::state_json(oci::Status status) const { return runtime::state_json(record, status); }

oci::Spec Container::saved_spec() const { return oci::load_spec(dir.path()); }

ContainerRecord load_record(const ContainerDir& dir) { return dir.load(); }

std::unique_ptr<cgroups::Manager> load_cgroup(const ContainerDir& dir, const ContainerRecord& record) {
    if (record.cgroup.empty()) return nullptr;
    try {
        return cgroups::load_manager(record.cgroup);
    } catch (const common::Error& e) {
        throw UnreadableState(record.id, dir.file("state.json"), std::string("its \"cgroup\" member: ") + e.what());
    }
}

Container open_container(const StateStore& store, const std::string& id) {
    ContainerDir dir = store.open(id);
    ContainerRecord record = load_record(dir);
    std::unique_ptr<cgroups::Manager> cgroup = load_cgroup(dir, record);
    return Container{std::move(dir), std::move(record), std::move(cgroup)};
}

namespace {

// "pid:[4026531836]" for /proc/<pid>/ns/pid, or "" when it is gone.
std::string pid_namespace_of(const std::string& pid) {
    char link[64];
    const std::string path = "/proc/" + pid + "/ns/pid";
    const ssize_t n = ::readlink(path.c_str(), link, sizeof link);
    return n > 0 ? std::string(link, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::vector<pid_t> container_processes(const Container& c) {
    if (c.cgroup) return c.cgroup->pids();
    if (c.record.pid <= 0 || !c.init_alive()) return {};
    const std::string init = std::to_string(c.record.pid);
    const std::string theirs = pid_namespace_of(init);
    // Sharing our pid namespace, the container is its init as far as we can
    // tell: what it forks is not told apart from the host's processes.
    if (theirs.empty() || theirs == pid_namespace_of("self")) return {c.record.pid};
    std::vector<pid_t> pids;
    std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
    if (!proc) common::throw_errno("open /proc");
    while (const dirent* e = ::readdir(proc.get())) {
        if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
        // The owner of the container's user namespace may read these links
        // (it holds every capability there), whatever uid a process runs as.
        if (pid_namespace_of(e->d_name) == theirs) pids.push_back(std::stoi(e->d_name));
    }
    return pids;
}

int parse_signal(const std::string& text) {
    if (text.empty()) throw common::Error("signal: empty");
    if (std::isdigit(static_cast<unsigned char>(text[0]))) {
        int n = 0;
        for (char ch : text) {
            if (!std::isdigit(static_cast<unsigned char>(ch)) || n > 1000) {
                throw common::Error("invalid signal \"" + text + "\"");
            }
            n = n * 10 + (ch - '0');
        }
        // 0 sends nothing and checks that the process exists (kill(2)), as
        // runc takes it: `kill [--all] ID 0` is a liveness probe.
        if (n < 0 || n >= NSIG) throw common::Error("invalid signal \"" + text + "\"");
        return n;
    }
    std::string name = text;
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = ::sigabbrev_np(sig);
        if (abbrev && name == abbrev) return sig;
    }
    if (name.rfind("RTMIN+", 0) == 0) return SIGRTMIN + std::stoi(name.substr(6));
    throw common::Error("invalid signal \"" + text + "\"");
}

void signal_container(const Container& c, int signal, bool all) {
    if (all && c.cgroup) {
        c.cgroup->kill_all(signal);
    } else if (all && c.record.pid > 0 && c.init_alive()) {
        // No cgroup (rootless on a tree that is root's): the processes of
        // its pid namespace; a process gone meanwhile is no error.
        for (pid_t pid : container_processes(c)) ::kill(pid, signal);
    } else if (::kill(c.record.pid, signal) < 0) {
        if (errno == ESRCH) throw common::Error("container not running: no such process");
        common::throw_errno("kill " + std::to_string(c.record.pid));
    }
    // After the signal, so that nothing forks in between; only for SIGKILL,
    // the one signal that ends the pause of the container for good.
    if (signal != SIGKILL || !c.cgroup) return;
    bool frozen = false;
    try {
        frozen = c.cgroup->frozen();
    } catch (const common::Error&) {
        // No freezer state to read: nothing can be frozen either.
    }
    if (frozen) c.cgroup->thaw();
}

namespace {

// Waits until `pid` (not our child: we cannot reap it) has exited.
void wait_gone(const ContainerRecord& record) {
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, record.pid, 0));
    if (pidfd >= 0) {
        struct pollfd p { pidfd, POLLIN, 0 };
        ::poll(&p, 1, 10000);
        ::close(pidfd);
        return;
    }
    for (int i = 0; i < 1000 && process_alive(record.pid, record.pid_start_time); ++i) ::usleep(10000);
}

}  // namespace

void destroy_container(const StateStore& store, Container& c) {
    const bool alive = c.record.pid > 0 && c.init_alive();
    // A create that died part-way recorded no pid: its cgroup is where its
    // processes are, if any.
    if (c.cgroup && (alive || c.record.launching)) {
        try {
            c.cgroup->kill_all(SIGKILL);
            // A frozen cgroup holds the SIGKILL until thawed.
            if (c.cgroup->frozen()) c.cgroup->thaw();
        } catch (const common::Error&) {
            if (!c.record.launching) throw;  // half-made: what is missing was never made
        }
    }
    if (alive) {
        ::kill(c.record.pid, SIGKILL);
        wait_gone(c.record);
    }
    if (c.record.has_poststop_hooks) {
        try {
            oci::Spec spec = c.saved_spec();
            run_hooks_warn(spec.hooks->poststop, c.state_json(oci::Status::stopped), "poststop");
        } catch (const common::Error& e) {
            log_warn(std::string("poststop hooks: ") + e.what());
        }
    }
    if (c.cgroup) {
        try {
            c.cgroup->destroy();
        } catch (const common::Error& e) {
            // Still busy: processes outlived the init (no pid namespace, or
            // moved out of its reach). The error path alone pays for this.
            log_debug([&] { return std::string("delete: ") + e.what() + ": killing what is left in the cgroup"; });
            kill_cgroup_processes(*c.cgroup);
            c.cgroup->destroy();
        }
    }
    rootfs::detach_shared_root(c.record.rootfs, c.record.shared_rootfs_mount, c.record.shared_mount_ns);
    if (!c.record.overlay_dir.empty()) remove_tree(c.record.overlay_dir);
    store.remove(c.record.id);
}

}  // namespace runtime
