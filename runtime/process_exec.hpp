// The last stretch of every container process, a container's init and
// `exec` alike. prepare_process does all that can fail, and all that needs
// a syscall a seccomp profile might deny (close_range, openat, setgroups,
// capset...), while the runtime still waits for "ready". exec_prepared then
// loads the filter and calls execve: nothing else runs under the filter, so
// a profile that predates a syscall the runtime uses cannot break the start.
// The one exception is SCMP_ACT_NOTIFY, whose listener must reach the agent
// during create: that filter is loaded in prepare_process, followed by a
// single write (see forward_seccomp_listener).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/sync_channel.hpp"

namespace runtime {

struct PreparedProcess {
    std::string executable;  // args[0] resolved through PATH
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<SeccompProgram> filter;  // still to load, right before execve
};

// Limits, personality, identity and capabilities, the executable lookup,
// stray fds closed; a notify filter loaded and its listener handed over.
// A rootless runtime has no CAP_SYS_PTRACE to take the listener from a
// process that is not dumpable (pidfd_getfd): this one is dumpable for the
// hand-over alone, and not dumpable again before anything else runs.
PreparedProcess prepare_process(const oci::Spec& spec, const oci::Process& process, int preserve_fds,
                                SyncChannel& channel, bool rootless = false);

// Loads the remaining filter and execs; throws ExecError when execve fails
// and common::Error when the filter does not load.
[[noreturn]] void exec_prepared(PreparedProcess& prepared);

// Sends `message` to the runtime, or to stderr once the runtime is gone.
void report_failure(SyncChannel& channel, const std::string& message);

}  // namespace runtime
