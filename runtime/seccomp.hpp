// linux.seccomp through libseccomp: the filter is built and loaded as the
// very last step before execve.
#pragma once

#include <string>

#include "oci/spec.hpp"

namespace runtime {

// Refuses, before any side effect, what this host's libseccomp/kernel
// cannot do for `seccomp` (naming the field).
void check_seccomp_supported(const oci::Seccomp& seccomp);

// Builds and loads the filter into the calling process. `state_json` is
// sent with the notify fd to listenerPath when an action is SCMP_ACT_NOTIFY.
void install_seccomp(const oci::Seccomp& seccomp, const std::string& state_json);

}  // namespace runtime
