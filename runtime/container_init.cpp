#include "runtime/container_init.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <linux/magic.h>

#include "cgroups/manager.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "runtime/hooks.hpp"
#include "runtime/process_exec.hpp"
#include "runtime/process_setup.hpp"
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

    // The parent sends the state documents for our hooks with "go", after
    // what it opened for us in our mount namespace, if anything.
    std::string creating_state, created_state;
    for (;;) {
        std::optional<SyncMessage> msg = channel.receive();
        if (!msg) throw common::Error("the runtime exited before the container started");
        if (msg->kind == SyncKind::go) {
            const size_t split = msg->text.find('\0');
            creating_state = msg->text.substr(0, split);
            created_state = split == std::string::npos ? creating_state : msg->text.substr(split + 1);
            break;
        }
        if (msg->kind != SyncKind::host_source) throw common::Error("unexpected message from the runtime");
        const size_t index = std::stoul(msg->text);
        if (index == 0) {
            a.rootfs.rootfs_fd = msg->fd.release();
        } else {
            a.rootfs.bind_sources.resize(std::max(a.rootfs.bind_sources.size(), index), -1);
            a.rootfs.bind_sources[index - 1] = msg->fd.release();
        }
    }
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

    common::UniqueFd root = rootfs::prepare(
        a.rootfs, [&](uint64_t mount_id) { channel.send(SyncKind::shared_root, std::to_string(mount_id)); });
    if (a.has_runtime_hooks) {
        channel.send(SyncKind::run_hooks);
        channel.expect(SyncKind::hooks_done, "running createRuntime hooks");
    }
    if (spec.hooks) run_hooks(spec.hooks->createContainer, creating_state, "createContainer");
    rootfs::enter(a.rootfs, root.get());
    root.reset();
    if (a.rootfs.rootfs_fd >= 0) ::close(a.rootfs.rootfs_fd);
    apply_sysctls(spec.linux->sysctl);
    if (process.terminal) {
        common::UniqueFd master = setup_container_terminal(process, true);
        channel.send(SyncKind::terminal, {}, master.get());
    }
    rootfs::finalize(a.rootfs);
    enter_cwd(process.cwd);

    PreparedProcess prepared = prepare_process(spec, process, a.preserve_fds, channel, a.rootless);

    // From here on we outlive the runtime (create, --detach).
    ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    channel.send(SyncKind::ready);
    // The fifo stays open (close-on-exec) until execve: `start` waits for
    // its last writer to go, so that poststart hooks follow the process's
    // start, as the runtime-spec orders them.
    if (a.exec_fifo >= 0) wait_for_start(a.exec_fifo);
    // Part of the start operation, which `run` includes.
    if (spec.hooks) run_hooks(spec.hooks->startContainer, created_state, "startContainer");
    exec_prepared(prepared);
}

}  // namespace

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
