// The seccomp profile `crun-lite spec` writes into linux.seccomp: an
// allow-list for ordinary programs, matched to the default capability set
// (no CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, ...). A config that
// grants more capabilities should extend it.
#pragma once

#include <nlohmann/json.hpp>

namespace oci {

// The "linux.seccomp" object for the architecture this was built for.
nlohmann::ordered_json default_seccomp_profile();

}  // namespace oci
