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
#include "common/file.hpp"
#include "namespaces/namespaces.hpp"
#include "oci/parse.hpp"
#include "runtime/clone.hpp"
#include "runtime/commands.hpp"
#include "runtime/container_init.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/foreground.hpp"
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
    return p;
}

struct NamespaceFds {
    std::vector<namespaces::Join> joins;  // user first
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
    return out;
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
        enter_cwd(p.cwd);
        if (p.terminal) {
            common::UniqueFd master = setup_container_terminal(p, false);
            channel.send(SyncKind::terminal, {}, master.get());
        }
        auto [executable, env] = finish_process_setup(spec, p, preserve_fds, channel);
        // From here on we outlive the runtime (create, --detach).
        ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        channel.send(SyncKind::ready);
        exec_process(executable, p.args, env);
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
    if (status == oci::Status::paused) throw common::Error("cannot exec in a paused container");
    oci::Spec spec = c.saved_spec();
    oci::Process p = exec_process_spec(spec, o);
    check_process_supported(p);
    if (spec.linux->seccomp) check_seccomp_supported(*spec.linux->seccomp);
    if (p.terminal && o.detach && o.console_socket.empty()) {
        throw common::Error("process.terminal: a detached exec with a terminal needs --console-socket");
    }
    NamespaceFds ns = open_container_namespaces(spec, c.record.pid);
    std::optional<ForegroundWaiter> waiter;
    if (!o.detach) waiter.emplace();

    // Into the unified cgroup by clone3, into the v1 ones by the child itself
    // (cgroups::Manager::self_join_files).
    const int cgroup_fd = c.cgroup ? c.cgroup->clone_into_fd() : -1;
    const std::vector<std::string> tasks_files = c.cgroup ? c.cgroup->self_join_files() : std::vector<std::string>{};
    auto [parent_end, child_end] = SyncChannel::make_pair();
    namespaces::ChildNamespaceScope child_namespaces;
    child_namespaces.enter(ns.joins);
    pid_t pid = clone3_process(0, cgroup_fd);
    if (pid == 0) {
        parent_end.close();
        ::close(c.dir.lock_fd());
        exec_child(child_end, ns, spec, p, o.preserve_fds, tasks_files);
    }
    child_namespaces.restore();
    child_end.close();
    common::UniqueFd pty;
    try {
        parent_end.send(SyncKind::go);
        for (;;) {
            std::optional<SyncMessage> msg = parent_end.receive();
            if (!msg) throw common::Error("exec process exited during setup");
            if (msg->kind == SyncKind::error) throw common::Error(msg->text);
            if (msg->kind == SyncKind::seccomp_listener) {
                send_seccomp_listener(*spec.linux->seccomp, msg->fd.get(), pid, c.state_json(status));
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
    return waiter->wait(pid, pty.get());
}

}  // namespace runtime
