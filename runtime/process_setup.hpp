// The pieces of a container process's last steps before exec, shared by a
// container's init and by `exec` (put together in process_exec.hpp):
// limits, identity, capabilities, no_new_privs, scheduling, the executable
// lookup.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/spec.hpp"

namespace runtime {

// Refuses, before any side effect, what this host cannot honour for the
// process block (an LSM that is absent, ...). Field names in messages.
void check_process_supported(const oci::Process& process);

// rlimits, ioPriority, scheduler, personality, umask: must run while still
// privileged (raising a hard limit needs it).
void apply_limits(const oci::Process& process);

// Groups, gid, uid (keeping capabilities across the switch), then the five
// capability sets and no_new_privs. After this the process is unprivileged
// as the config says, except that with `keep_sys_admin` CAP_SYS_ADMIN stays
// permitted and effective for loading seccomp (seccomp_needs_kept_sys_admin).
void apply_identity(const oci::Process& process, bool keep_sys_admin);

// process.env with HOME added from the container's /etc/passwd when absent.
std::vector<std::string> container_environment(const oci::Process& process);

// Resolves args[0] through PATH of `env` inside the current root, with the
// errors clients match: `exec: "x": executable file not found in $PATH`,
// `exec: "x": permission denied`.
std::string find_executable(const std::string& name, const std::vector<std::string>& env);

// chdir(cwd), then proves the result lies under the current root: a cwd
// through a leaked fd (/proc/self/fd/N of a host directory) would leave
// the process outside the container (CVE-2024-21626).
void enter_cwd(const std::string& cwd);

// Marks every fd above 2 + preserve_fds close-on-exec so that only stdio and
// the preserved fds reach the container (CVE-2024-21626 class).
void close_stray_fds(int preserve_fds);

// linux.personality (LINUX or LINUX32 execution domain).
void apply_personality(const oci::Personality& personality);

// The exec itself failed: the exit status is 127 for a missing file, else
// 126, as shells and runc report it.
class ExecError : public common::Error {
public:
    using common::Error::Error;
    int exit_status() const { return code() == ENOENT ? 127 : 126; }
};

}  // namespace runtime
