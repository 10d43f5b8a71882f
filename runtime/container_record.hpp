// What the runtime remembers about a container between commands: kept as
// <root>/<id>/state.json. Its status is never stored; it is derived from the
// live system each time (see status.hpp), so a crash cannot leave it stale.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "oci/state.hpp"

namespace runtime {

struct ContainerRecord {
    std::string id;
    std::string bundle;
    std::string rootfs;
    std::string created;  // RFC 3339, nanoseconds, UTC
    std::string owner;
    std::map<std::string, std::string> annotations;
    int pid = 0;
    // Field 22 of /proc/<pid>/stat at create time: tells our init apart from
    // a later process that reuses its pid.
    uint64_t pid_start_time = 0;
    std::string cgroup;          // cgroups::Manager::save()
    // Saved before the first side effect of create/run, with the cgroup as
    // Manager::save_planned() says it, and cleared by the final save: a
    // runtime killed in between leaves what delete --force needs. While it
    // is set the container is "creating" (or "stopped" once its init died).
    bool launching = false;
    std::string overlay_dir;     // our writable layer to remove on delete, or ""
    // A container without a mount namespace of its own mounts its rootfs
    // (a bind onto itself, with every config mount beneath) in the host's
    // or a joined namespace: that mount's id, detached again on delete, and
    // the joined namespace's path ("" for the runtime's own).
    uint64_t shared_rootfs_mount = 0;
    std::string shared_mount_ns;
    // Whether the saved config has poststart/poststop hooks, so that start
    // and delete parse it only when they must.
    bool has_poststart_hooks = false;
    bool has_poststop_hooks = false;
};

std::string to_json(const ContainerRecord& record);
// The spec's state document for this container in `status` (pid 0 once
// stopped, as runc reports it).
std::string state_json(const ContainerRecord& record, oci::Status status);
ContainerRecord record_from_json(const std::string& text, const std::string& where);

}  // namespace runtime
