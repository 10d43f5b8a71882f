#include "runtime/container_ops.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cstring>


#include "common/error.hpp"
#include "oci/parse.hpp"
#include "oci/version.hpp"
#include "rootfs/rootfs.hpp"
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

Container open_container(const StateStore& store, const std::string& id) {
    ContainerDir dir = store.open(id);
    struct stat st;
    if (::stat(dir.file("state.json").c_str(), &st) < 0) {
        // Claimed but never finished (a create in progress or one that died).
        ContainerRecord record;
        record.id = id;
        return Container{std::move(dir), record, nullptr};
    }
    ContainerRecord record = dir.load();
    std::unique_ptr<cgroups::Manager> cgroup;
    if (!record.cgroup.empty()) cgroup = cgroups::load_manager(record.cgroup);
    return Container{std::move(dir), std::move(record), std::move(cgroup)};
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
        return;
    }
    if (::kill(c.record.pid, signal) < 0) {
        if (errno == ESRCH) throw common::Error("container not running: no such process");
        common::throw_errno("kill " + std::to_string(c.record.pid));
    }
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
    if (c.record.pid > 0 && c.init_alive()) {
        if (c.cgroup) {
            c.cgroup->kill_all(SIGKILL);
            // A frozen cgroup holds the SIGKILL until thawed.
            if (c.cgroup->frozen()) c.cgroup->thaw();
        }
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
    if (c.cgroup) c.cgroup->destroy();
    rootfs::detach_shared_root(c.record.rootfs, c.record.shared_rootfs_mount, c.record.shared_mount_ns);
    if (!c.record.overlay_dir.empty()) remove_tree(c.record.overlay_dir);
    store.remove(c.record.id);
}

}  // namespace runtime
