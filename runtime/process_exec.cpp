#include "runtime/process_exec.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "runtime/process_setup.hpp"

namespace runtime {

namespace {

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// The listener is in this process's fd table; the runtime takes it from
// there and answers once the agent has it. Until then a notified syscall
// would wait forever, so the fd's number goes out by one write.
void hand_over_listener(SyncChannel& channel, int listener, bool dumpable) {
    if (int err = channel.send_listener_number(listener); err != 0) {
        common::throw_errno("send the seccomp listener's fd number to the runtime", err);
    }
    channel.expect(SyncKind::listener_taken, "handing the seccomp listener to the agent");
    ::close(listener);
    // Closed to the container's processes again until execve (CVE-2019-5736);
    // a profile that denies prctl would leave it open: refused.
    if (dumpable && ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        common::throw_errno("seccomp: prctl PR_SET_DUMPABLE 0 after handing over the listener (rootless)");
}

}  // namespace

PreparedProcess prepare_process(const oci::Spec& spec, const oci::Process& process, int preserve_fds,
                                SyncChannel& channel, bool rootless) {
    apply_limits(process);
    if (spec.linux->personality) apply_personality(*spec.linux->personality);
    PreparedProcess prepared;
    if (spec.linux->seccomp) prepared.filter = compile_seccomp(*spec.linux->seccomp);
    apply_identity(process, prepared.filter && seccomp_needs_kept_sys_admin(process));
    prepared.env = container_environment(process);
    prepared.executable = find_executable(process.args.at(0), prepared.env);
    prepared.args = process.args;
    close_stray_fds(preserve_fds);
    if (prepared.filter && prepared.filter->notify()) {
        // Before the filter: prctl may be what it notifies.
        if (rootless && ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
            common::throw_errno("seccomp: prctl PR_SET_DUMPABLE 1 for the listener's hand-over");
        int listener = load_seccomp(*prepared.filter);
        if (listener < 0) throw seccomp_load_error(-listener);
        prepared.filter.reset();
        hand_over_listener(channel, listener, rootless);
    }
    return prepared;
}

void exec_prepared(PreparedProcess& prepared) {
    std::vector<char*> argv = c_strings(prepared.args);
    std::vector<char*> envp = c_strings(prepared.env);
    if (prepared.filter) {
        int rc = load_seccomp(*prepared.filter);
        if (rc < 0) throw seccomp_load_error(-rc);
    }
    ::execve(prepared.executable.c_str(), argv.data(), envp.data());
    int err = errno;
    throw ExecError("exec " + prepared.executable + ": " + std::strerror(err), err);
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

}  // namespace runtime
