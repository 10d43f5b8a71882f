#include "runtime/container_init.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroups/manager.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "runtime/hooks.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/terminal.hpp"

namespace runtime {

namespace {

void set_identity_names(const oci::Spec& spec) {
    if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) < 0) {
        common::throw_errno("hostname " + spec.hostname);
    }
    if (!spec.domainname.empty() && ::setdomainname(spec.domainname.data(), spec.domainname.size()) < 0) {
        common::throw_errno("domainname " + spec.domainname);
    }
}

// linux.sysctl through the container's own /proc, refusing anything that is
// not procfs there (CVE-2019-16884 class).
void apply_sysctls(const std::map<std::string, std::string>& sysctls) {
    if (sysctls.empty()) return;
    common::UniqueFd procsys(::open("/proc/sys", O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!procsys) common::throw_errno("linux.sysctl: open /proc/sys");
    struct statfs fs;
    if (::fstatfs(procsys.get(), &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) {
        throw common::Error("linux.sysctl: /proc/sys in the container is not procfs");
    }
    for (const auto& [key, value] : sysctls) {
        std::string rel = key;
        for (char& c : rel) {
            if (c == '.') c = '/';
        }
        if (rel.find("..") != std::string::npos) throw common::Error("linux.sysctl: invalid key " + key);
        try {
            common::write_file_at(procsys.get(), rel, value);
        } catch (const common::Error& e) {
            throw common::Error("linux.sysctl." + key + ": " + e.what(), e.code());
        }
    }
}

std::string wait_for_start(int fifo) {
    char byte;
    for (;;) {
        ssize_t n = ::read(fifo, &byte, 1);
        if (n == 1) return {};
        if (n < 0 && errno == EINTR) continue;
        common::throw_errno("wait for start on exec.fifo");
    }
}

[[noreturn]] void run_init(InitArgs& a) {
    const oci::Spec& spec = *a.spec;
    const oci::Process& process = *spec.process;
    SyncChannel& channel = *a.channel;

    // The parent sends the state JSON for createContainer hooks with "go".
    std::string state_json = channel.expect(SyncKind::go, "waiting for the runtime").text;
    // Into the v1 cgroups by ourselves (cgroups::Manager::self_join_files);
    // after "go", so that a failure reaches the runtime as an error message.
    cgroups::join_self(a.cgroup_tasks_files);
    // Until execve we run the runtime's image: other processes of the
    // container must not reach it through /proc/<pid>/exe, mem or fd
    // (CVE-2019-5736). Not dumpable = /proc/<pid> closed to them; execve
    // restores it. After "go": the runtime has written our id maps.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) common::throw_errno("prctl PR_SET_DUMPABLE");

    if (a.new_user_namespace) {
        if (::setresgid(0, 0, 0) < 0) common::throw_errno("setresgid 0 in the new user namespace");
        if (::setresuid(0, 0, 0) < 0) common::throw_errno("setresuid 0 in the new user namespace");
    }
    for (const auto& join : a.plan->joins) {
        if (join.type == oci::NamespaceType::pid || join.type == oci::NamespaceType::time) continue;
        namespaces::enter(join);
    }
    if (a.plan->new_cgroup && ::unshare(CLONE_NEWCGROUP) < 0) {
        common::throw_errno("unshare the cgroup namespace");
    }
    set_identity_names(spec);
    if (a.plan->new_flags & CLONE_NEWNET) namespaces::bring_up_loopback();

    rootfs::prepare(a.rootfs);
    if (a.has_runtime_hooks) {
        channel.send(SyncKind::run_hooks);
        channel.expect(SyncKind::hooks_done, "running createRuntime hooks");
    }
    if (spec.hooks) run_hooks(spec.hooks->createContainer, state_json, "createContainer");
    rootfs::enter(a.rootfs);
    apply_sysctls(spec.linux->sysctl);
    if (process.terminal) {
        common::UniqueFd master = setup_container_terminal(process, true);
        channel.send(SyncKind::terminal, {}, master.get());
    }
    rootfs::finalize(a.rootfs);
    enter_cwd(process.cwd);

    auto [executable, env] = finish_process_setup(spec, process, a.preserve_fds, channel);

    // From here on we outlive the runtime (create, --detach).
    ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    channel.send(SyncKind::ready);
    // The fifo stays open (close-on-exec) until execve: `start` waits for
    // its last writer to go, so that poststart hooks follow the process's
    // start, as the runtime-spec orders them.
    if (a.exec_fifo >= 0) wait_for_start(a.exec_fifo);
    // Part of the start operation, which `run` includes.
    if (spec.hooks) run_hooks(spec.hooks->startContainer, state_json, "startContainer");
    exec_process(executable, process.args, env);
}

}  // namespace

ReadyProcess finish_process_setup(const oci::Spec& spec, const oci::Process& process, int preserve_fds,
                                  SyncChannel& channel) {
    apply_limits(process);
    if (spec.linux->personality) apply_personality(*spec.linux->personality);
    // seccomp goes in before "ready" so that a failure is the runtime's
    // error, and as late as it can: see seccomp_before_identity().
    const oci::Seccomp* seccomp = spec.linux->seccomp ? &*spec.linux->seccomp : nullptr;
    const bool seccomp_early = seccomp && seccomp_before_identity(process);
    common::UniqueFd listener;
    if (seccomp_early) listener = install_seccomp(*seccomp);
    apply_identity(process);
    ReadyProcess ready;
    ready.env = container_environment(process);
    ready.executable = find_executable(process.args.at(0), ready.env);
    close_stray_fds(preserve_fds);
    if (seccomp && !seccomp_early) listener = install_seccomp(*seccomp);
    // The agent's socket is on the host: the runtime hands the fd on.
    if (listener) channel.send(SyncKind::seccomp_listener, {}, listener.get());
    return ready;
}

void report_failure(SyncChannel& channel, const std::string& message) {
    try {
        channel.send(SyncKind::error, message);
        return;
    } catch (...) {
    }
    // The runtime is gone (after `create` returned): stderr is all we have.
    std::string line = "crun-lite: " + message + "\n";
    (void)!::write(2, line.data(), line.size());
}

void container_init(InitArgs& args) {
    if (args.state_lock_fd >= 0) ::close(args.state_lock_fd);
    // Die with the runtime while it sets us up; cleared by the uid switch
    // (and irrelevant once we are running).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    try {
        run_init(args);
    } catch (const ExecError& e) {
        report_failure(*args.channel, e.what());
        ::_exit(e.exit_status());
    } catch (const std::exception& e) {
        report_failure(*args.channel, e.what());
        ::_exit(1);
    }
}

}  // namespace runtime
