// linux.seccomp: the filter is built with libseccomp, exported as BPF and
// loaded with seccomp(2) directly, so that every flag of the spec works
// whatever the libseccomp version (2.5 has no attribute for
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV). The notify listener fd goes to
// the runtime over the sync channel, and the runtime hands it on to the
// agent at listenerPath (a host path the container cannot see).
#pragma once

#include <sys/types.h>

#include <string>

#include "common/unique_fd.hpp"
#include "oci/features.hpp"
#include "oci/spec.hpp"

namespace runtime {

// Refuses, before any side effect, what this host's libseccomp/kernel
// cannot do for `seccomp` (naming the field): unknown architectures,
// actions or flags the kernel lacks, errnoRet on an action without errno,
// listenerMetadata without listenerPath. It also compiles the whole filter,
// so that a rule libseccomp rejects fails here; the compiled program is
// kept for install_seccomp in a cloned child.
void check_seccomp_supported(const oci::Seccomp& seccomp);

// Whether the filter has to be loaded before the identity switch: without
// no_new_privs, seccomp(2) needs CAP_SYS_ADMIN, which the process keeps
// only if its effective set says so. Loading early means the identity
// switch (setgroups, setresuid, capset, prctl) runs under the filter, as in
// runc; loading late keeps the syscalls after it to a minimum.
bool seccomp_before_identity(const oci::Process& process);

// Loads the filter into the calling (single-threaded) process. Returns the
// user-notification listener when an action is SCMP_ACT_NOTIFY, else an
// empty fd. Throws common::Error naming linux.seccomp on failure.
common::UniqueFd install_seccomp(const oci::Seccomp& seccomp);

// Runtime side of SCMP_ACT_NOTIFY: connects to listenerPath (AF_UNIX,
// SOCK_STREAM), sends the container process state (ociVersion, fds:
// ["seccompFd"], pid, metadata, state) with `listener` as SCM_RIGHTS, and
// closes the connection.
void send_seccomp_listener(const oci::Seccomp& seccomp, int listener, pid_t pid,
                           const std::string& state_json);

// The host-dependent part of `features`: enabled, the actions the kernel
// offers, the architectures libseccomp knows, the flags both support.
void fill_seccomp_features(oci::Features::Seccomp& features);

}  // namespace runtime
