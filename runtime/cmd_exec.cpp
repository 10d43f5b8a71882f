// exec: a new process in every namespace and the cgroup of a container.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "cgroups/manager.hpp"
#include "common/error.hpp"
#include "common/leak_check.hpp"
#include "common/file.hpp"
#include "namespaces/namespaces.hpp"
#include "oci/parse.hpp"
#include "runtime/clone.hpp"
#include "runtime/commands.hpp"
#include "runtime/container_init.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/exec_cgroup.hpp"
#include "runtime/foreground.hpp"
#include "runtime/logging.hpp"
#include "runtime/process_exec.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/sync_channel.hpp"
#include "runtime/terminal.hpp"

namespace runtime {

namespace {

uint32_t parse_id(const std::string& text, const char* what) {
    try {
        size_t used = 0;
        unsigned long v = std::stoul(text, &used);
        if (used == text.size() && v <= 0xffffffffUL) return static_cast<uint32_t>(v);
    } catch (...) {
    }
    throw common::Error(std::string(what) + ": \"" + text + "\" is not a numeric id");
}

// runc's exec semantics: the container's own process block is the base,
// the command line overrides or extends it.
oci::Process exec_process_spec(const oci::Spec& spec, const ExecOptions& o) {
    if (!o.process_file.empty()) {
        return oci::parse_process_spec(common::read_file(o.process_file));
    }
    if (o.args.empty()) throw common::Error("exec: a command to run is required");
    oci::Process p = *spec.process;
    p.args = o.args;
    p.terminal = o.tty;
    p.consoleSize.reset();
    for (const auto& e : o.env) {
        if (e.find('=') == std::string::npos || e[0] == '=') {
            throw common::Error("--env " + e + ": must be NAME=VALUE");
        }
        std::string name = e.substr(0, e.find('='));
        std::erase_if(p.env, [&](const std::string& old) { return old.rfind(name + "=", 0) == 0; });
        p.env.push_back(e);
    }
    if (!o.cwd.empty()) p.cwd = o.cwd;
    if (!o.user.empty()) {
        auto colon = o.user.find(':');
        p.user.uid = parse_id(o.user.substr(0, colon), "--user");
        p.user.gid = colon == std::string::npos ? 0 : parse_id(o.user.substr(colon + 1), "--user");
    }
    for (const auto& g : o.additional_gids) p.user.additionalGids.push_back(parse_id(g, "--additional-gids"));
    if (!o.caps.empty()) {
        if (!p.capabilities) p.capabilities.emplace();
        for (const auto& cap : o.caps) {
            for (auto* set : {&p.capabilities->bounding, &p.capabilities->effective,
                              &p.capabilities->permitted, &p.capabilities->ambient}) {
                set->push_back(cap);
            }
        }
    }
    if (o.no_new_privs) p.noNewPrivileges = true;
    // Checked with the rest of the process (check_process_supported): a
    // profile or label on a host without that LSM is an error, as in runc.
    if (!o.apparmor.empty()) p.apparmorProfile = o.apparmor;
    if (!o.process_label.empty()) p.selinuxLabel = o.process_label;
    return p;
}

struct NamespaceFds {
    std::vector<namespaces::Join> joins;  // user first
    // The init's root, for a container without a mount namespace of its
    // own: its init chroot'ed in a shared namespace, and so do we.
    common::UniqueFd shared_ns_root;
};

bool same_namespace_as_ours(const std::string& path, const char* name) {
    struct stat theirs, ours;
    std::string self = std::string("/proc/self/ns/") + name;
    return ::stat(path.c_str(), &theirs) == 0 && ::stat(self.c_str(), &ours) == 0 &&
           theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev;
}

NamespaceFds open_container_namespaces(const oci::Spec& spec, pid_t pid) {
    NamespaceFds out;
    for (const auto& ns : spec.linux->namespaces) {
        const char* name = namespaces::proc_name(ns.type);
        std::string path = "/proc/" + std::to_string(pid) + "/ns/" + name;
        // setns into the namespace we are already in fails for a user
        // namespace, and is pointless for the others.
        if (same_namespace_as_ours(path, name)) continue;
        common::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) common::throw_errno("open " + path);
        out.joins.push_back(namespaces::Join{ns.type, path, std::move(fd)});
    }
    // user first (it grants the rest), mount last (it changes our root).
    std::stable_sort(out.joins.begin(), out.joins.end(), [](const auto& a, const auto& b) {
        auto rank = [](oci::NamespaceType t) {
            return t == oci::NamespaceType::user ? 0 : t == oci::NamespaceType::mount ? 2 : 1;
        };
        return rank(a.type) < rank(b.type);
    });
    const oci::Namespace* mnt = oci::find_namespace(*spec.linux, oci::NamespaceType::mount);
    if (!mnt || !mnt->path.empty()) {
        std::string root = "/proc/" + std::to_string(pid) + "/root";
        out.shared_ns_root.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!out.shared_ns_root) common::throw_errno("open " + root);
    }
    return out;
}

// Enters the user namespace among `ns.joins` and drops it from the list
// (the child is in it from birth); false when there is none to join.
bool join_user_namespace(NamespaceFds& ns) {
    for (auto it = ns.joins.begin(); it != ns.joins.end(); ++it) {
        if (it->type != oci::NamespaceType::user) continue;
        namespaces::enter(*it);
        ns.joins.erase(it);
        return true;
    }
    return false;
}

[[noreturn]] void exec_child(SyncChannel& channel, const NamespaceFds& ns, const oci::Spec& spec,
                             const oci::Process& p, int preserve_fds,
                             const std::vector<std::string>& cgroup_tasks_files) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    // Already in the container's pid namespace and still the runtime's
    // image: closed to the container's processes until execve (CVE-2019-5736).
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    try {
        channel.expect(SyncKind::go, "waiting for the runtime");
        // Before setns: in the container's user namespace the host's cgroup
        // files are no longer ours to write.
        cgroups::join_self(cgroup_tasks_files);
        for (const auto& join : ns.joins) {
            if (join.type != oci::NamespaceType::pid && join.type != oci::NamespaceType::time) {
                namespaces::enter(join);
            }
        }
        if (ns.shared_ns_root && (::fchdir(ns.shared_ns_root.get()) < 0 || ::chroot(".") < 0)) {
            common::throw_errno("enter the container's root");
        }
        enter_cwd(p.cwd);
        if (p.terminal) {
            common::UniqueFd master = setup_container_terminal(p, false);
            channel.send(SyncKind::terminal, {}, master.get());
        }
        PreparedProcess prepared = prepare_process(spec, p, preserve_fds, channel);
        // From here on we outlive the runtime (create, --detach).
        ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        channel.send(SyncKind::ready);
        exec_prepared(prepared);
    } catch (const ExecError& e) {
        report_failure(channel, e.what());
        ::_exit(e.exit_status());
    } catch (const std::exception& e) {
        report_failure(channel, e.what());
        ::_exit(1);
    }
}

}  // namespace

int cmd_exec(const GlobalOptions& g, ExecOptions o) {
    Container c = open_container(StateStore(g.root), o.id);
    oci::Status status = c.status();
    if (status == oci::Status::stopped || status == oci::Status::creating) {
        throw common::Error("cannot exec in a stopped container: container not running");
    }
    // With --ignore-paused the process starts frozen and runs on resume;
    // this command waits for it meanwhile, as runc's does.
    if (status == oci::Status::paused && !o.ignore_paused) {
        throw common::Error("cannot exec in a paused container (use --ignore-paused to override)");
    }
    const std::map<std::string, std::string> sub_cgroups = parse_exec_cgroups(o.cgroups);
    if (!sub_cgroups.empty() && !c.cgroup) throw common::Error("--cgroup: the container has no cgroup");
    oci::Spec spec = c.saved_spec();
    oci::Process p = exec_process_spec(spec, o);
    log_debug([&] {
        std::string args;
        for (const auto& a : p.args) args += (args.empty() ? "" : " ") + a;
        return "exec: container " + o.id + " (init pid " + std::to_string(c.record.pid) + ", " +
               oci::to_string(status) + "): " + args;
    });
    check_process_supported(p);
    if (spec.linux->seccomp) check_seccomp_supported(*spec.linux->seccomp);
    if (p.terminal && o.detach && o.console_socket.empty()) {
        throw common::Error("process.terminal: a detached exec with a terminal needs --console-socket");
    }
    NamespaceFds ns = open_container_namespaces(spec, c.record.pid);
    std::optional<ForegroundWaiter> waiter;
    if (!o.detach) waiter.emplace();

    // Into the unified cgroup by clone3, into the v1 ones by the child itself
    // (cgroups::Manager::self_join_files); with --cgroup, into sub-cgroups.
    ExecCgroupTarget sub_target;
    int cgroup_fd = -1;
    std::vector<std::string> tasks_files;
    if (!sub_cgroups.empty()) {
        sub_target = exec_cgroup_target(*c.cgroup, sub_cgroups);
        cgroup_fd = sub_target.unified.get();
        tasks_files = sub_target.tasks_files;
    } else if (c.cgroup) {
        cgroup_fd = c.cgroup->clone_into_fd();
        tasks_files = c.cgroup->self_join_files();
    }
    log_debug([&] {
        std::string dirs;
        for (const auto& d : sub_target.dirs) dirs += " " + d;
        if (sub_cgroups.empty() && c.cgroup) {
            for (const auto& h : c.cgroup->hierarchies()) dirs += " " + h.path;
        }
        return "exec: cgroup:" + (dirs.empty() ? std::string(" none") : dirs);
    });
    auto [parent_end, child_end] = SyncChannel::make_pair();
    // Not root: joining the container's pid namespace takes a capability
    // only its user namespace gives us (we own it), so we join that one
    // first, for good.
    // Then our next children are born in the container's pid namespace for
    // good, a sanitizer's helper too: LSan's check at exit could not stop
    // us from there, so a sanitized build checks now.
    const bool no_way_back = g.rootless.unprivileged || g.rootless.in_user_namespace;
    if (no_way_back) common::leak_check_now();
    if (g.rootless.unprivileged) join_user_namespace(ns);
    namespaces::ChildNamespaceScope child_namespaces;
    child_namespaces.enter(ns.joins);
    pid_t pid = -1;
    try {
        pid = clone3_process(0, cgroup_fd);
    } catch (const common::Error& e) {
        // Rootless: moving a process takes write access to cgroup.procs
        // of the lowest cgroup above both ends, which a caller outside the
        // delegated subtree lacks. As runc, the process then stays in ours.
        if (cgroup_fd < 0 || !g.rootless.cgroups || (e.code() != EACCES && e.code() != EPERM)) throw;
        log_warn(std::string("exec: the process stays in the caller's cgroup: ") + e.what());
        cgroup_fd = -1;
        tasks_files.clear();
        pid = clone3_process(0, -1);
    }
    if (pid == 0) {
        parent_end.close();
        ::close(c.dir.lock_fd());
        exec_child(child_end, ns, spec, p, o.preserve_fds, tasks_files);
    }
    // In a user namespace (ours or the container's) nothing gives us
    // CAP_SYS_ADMIN over the pid namespace we came from: no way back.
    if (no_way_back) {
        child_namespaces.keep();
    } else {
        child_namespaces.restore();
    }
    child_end.close();
    log_debug([&] { return "exec: process pid " + std::to_string(pid); });
    // A process started in a frozen cgroup sets up only after `resume`,
    // which needs the container's lock: let it in.
    if (status == oci::Status::paused) c.dir.unlock();
    common::UniqueFd pty;
    try {
        parent_end.send(SyncKind::go);
        for (;;) {
            std::optional<SyncMessage> msg = parent_end.receive();
            if (!msg) throw common::Error("exec process exited during setup");
            if (msg->kind == SyncKind::error) throw common::Error(msg->text);
            if (msg->kind == SyncKind::seccomp_listener) {
                forward_seccomp_listener(*spec.linux->seccomp, pid, msg->text, c.state_json(status));
                parent_end.send(SyncKind::listener_taken);
            } else if (msg->kind == SyncKind::terminal) {
                if (!o.console_socket.empty()) {
                    send_to_console_socket(o.console_socket, msg->fd.get());
                } else {
                    pty = std::move(msg->fd);
                }
            } else if (msg->kind == SyncKind::ready) {
                break;
            }
        }
        std::optional<SyncMessage> msg = parent_end.receive();
        if (msg && msg->kind == SyncKind::error) throw common::Error(msg->text);
    } catch (...) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
    if (!o.pid_file.empty()) common::write_file_atomic(o.pid_file, std::to_string(pid), 0644);
    if (o.detach) return 0;
    // state, kill, pause and other execs must work while we wait.
    c.dir.unlock();
    const int exit_status = waiter->wait(pid, pty.get());
    log_debug([&] {
        return "exec: process " + std::to_string(pid) + " exited, status " + std::to_string(exit_status);
    });
    return exit_status;
}

}  // namespace runtime
