// Running without root: the decisions that differ for an unprivileged
// caller, made once per command here and passed down as plain values
// (GlobalOptions, LaunchRequest, cgroups::Config, namespaces::IdMapPlan),
// so that no module below guesses on its own.
//   - the state root: $XDG_RUNTIME_DIR/crun-lite instead of /run/crun-lite;
//   - id maps: the caller's own id alone is written to /proc/<pid>/*_map
//     directly, anything wider through newuidmap/newgidmap;
//   - cgroups: none where the caller cannot write the tree (a v1/hybrid
//     host), unless the config asks for limits; a delegated v2 subtree is
//     used as it is;
//   - mounts: the flags an unprivileged user namespace inherits locked are
//     kept (rootfs::Context::user_namespace), devices are bind-mounted;
//   - the runtime cannot enter the container's mount namespace
//     (rootfs::open_host_sources), and joins the container's user
//     namespace before its pid namespace (exec).
// "root" in a user namespace (rootless podman runs its runtime so) is
// privileged for the ids and namespaces it owns, but the host's cgroup
// tree and /run are still not its own: as runc decides.
#pragma once

#include <optional>
#include <string>

namespace runtime {

struct Rootless {
    // euid != 0: no privilege outside the user namespaces we make.
    bool unprivileged = false;
    // euid 0 in a user namespace other than the host's.
    bool in_user_namespace = false;
    // A cgroup only where the tree lets us write it (runc's "rootless
    // cgroup manager"): unprivileged or in a user namespace, unless
    // --rootless says otherwise.
    bool cgroups = false;
    // The default --root is $XDG_RUNTIME_DIR/crun-lite.
    bool xdg_state_root = false;
};

// Decides for this process. `flag`: the global --rootless value ("true",
// "false", "auto" or "" for auto); throws on anything else.
Rootless decide_rootless(const std::string& flag);

// The default --root: /run/crun-lite, or $XDG_RUNTIME_DIR/crun-lite
// (decision.xdg_state_root); "" when that is wanted but XDG_RUNTIME_DIR is
// unset (require_state_root says why then).
std::string default_state_root(const Rootless& decision);

// Throws, naming XDG_RUNTIME_DIR and --root, when `root` is "" (a rootless
// caller with neither).
void require_state_root(const std::string& root);

}  // namespace runtime
