// The config.json that `crun-lite spec` writes: runc's example spec (as of
// runc 1.2), with this runtime's spec version and hostname.
#pragma once

#include <cstdint>
#include <string>

namespace oci {

struct DefaultSpecOptions {
    // runc's --rootless changes: a user namespace mapping root to the
    // caller, no network namespace, /sys bind-mounted read-only, no
    // uid=/gid= mount options, no cgroup resources.
    bool rootless = false;
    uint32_t host_uid = 0;  // the caller's euid/egid, mapped to 0 when rootless
    uint32_t host_gid = 0;
    // runc adds a cgroup namespace when the host is on cgroup v2; the
    // caller knows the host, oci/ does not look.
    bool cgroup_namespace = false;
};

// Tab-indented JSON, as runc writes it. Always parses with parse_spec.
std::string default_spec_json(const DefaultSpecOptions& options);
std::string default_spec_json(bool rootless);

}  // namespace oci
