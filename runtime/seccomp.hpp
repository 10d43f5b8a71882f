// linux.seccomp: the filter is built with libseccomp, exported as BPF and
// loaded with seccomp(2) directly, so that every flag of the spec works
// whatever the libseccomp version (2.5 has no attribute for
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV). The notify listener fd goes to
// the runtime, which hands it on to the agent at listenerPath (a host path
// the container cannot see).
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/features.hpp"
#include "oci/spec.hpp"

namespace runtime {

// A filter compiled and ready to load: loading it is one seccomp(2) call
// that allocates nothing, so that it can be the container process's last
// step before execve, and a profile that denies the runtime's own syscalls
// (close_range, openat, ...) cannot break the container's start.
struct SeccompProgram {
    std::vector<sock_filter> code;
    unsigned flags = 0;  // seccomp(2) flags
    bool notify() const;
};

// Refuses, before any side effect, what this host's libseccomp/kernel
// cannot do for `seccomp` (naming the field): unknown architectures,
// actions or flags the kernel lacks, errnoRet on an action without errno,
// listenerMetadata without listenerPath, SCMP_ACT_NOTIFY on write or as the
// default action. It also compiles the whole filter, so that a rule
// libseccomp rejects fails here; compile_seccomp hands that program to a
// cloned child.
void check_seccomp_supported(const oci::Seccomp& seccomp);

// The program for `seccomp`: the one check_seccomp_supported compiled in
// this process, or a new one. A profile that does not allow by default gets
// the -ENOSYS prologue (seccomp_enosys.hpp).
SeccompProgram compile_seccomp(const oci::Seccomp& seccomp);

// Loads `program` into the calling (single-threaded) process: the listener
// fd (notify), 0, or -errno. Nothing but the one syscall.
int load_seccomp(const SeccompProgram& program) noexcept;

// The error for a failed load_seccomp.
common::Error seccomp_load_error(int err);

// Without no_new_privs, loading a filter needs CAP_SYS_ADMIN. When the
// process's own capabilities lack it, it keeps CAP_SYS_ADMIN in its
// permitted and effective sets (never inheritable or ambient) until the
// filter is in: execve then computes the capabilities the config asks for,
// since for a non-root user only ambient ones survive it and for root the
// bounding set, which the config's, decides.
bool seccomp_needs_kept_sys_admin(const oci::Process& process);

// Runtime side of SCMP_ACT_NOTIFY. The container process loads the filter
// and then only writes the listener's fd number to the sync channel: any
// other syscall might be one the agent must answer, which it cannot before
// it has the listener. The runtime takes the fd out of the process
// (pidfd_getfd), connects to listenerPath (AF_UNIX, SOCK_STREAM), sends the
// container process state (ociVersion, fds: ["seccompFd"], pid, metadata,
// state) with the fd as SCM_RIGHTS, and closes the connection.
void forward_seccomp_listener(const oci::Seccomp& seccomp, pid_t pid, const std::string& fd_number,
                              const std::string& state_json);

// The host-dependent part of `features`: enabled, the actions the kernel
// offers, the architectures libseccomp knows, the flags both support.
void fill_seccomp_features(oci::Features::Seccomp& features);

}  // namespace runtime
