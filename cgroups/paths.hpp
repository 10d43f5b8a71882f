// Where the cgroup hierarchies are mounted, where the caller sits in each,
// and where a container's cgroup goes: parsed from /proc/self/mountinfo and
// /proc/self/cgroup (or from given text, for tests on a fake tree).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgroups/manager.hpp"

namespace cgroups {

struct MountInfo {
    std::string root;         // field 4: the mount's root inside its filesystem
    std::string mount_point;  // field 5
    std::string fstype;
    std::string super_options;
};
std::vector<MountInfo> parse_mountinfo(std::string_view text);

struct ProcCgroup {
    std::string controllers;  // "memory", "cpu,cpuacct", "name=systemd", "" (v2)
    std::string path;         // "/process_api/..."
};
std::vector<ProcCgroup> parse_proc_cgroup(std::string_view text);

// A v1 hierarchy: one mount of the "cgroup" filesystem.
struct V1Hierarchy {
    std::string name;                      // directory under the root: "memory", "cpu,cpuacct"
    std::string mount_point;               // "/sys/fs/cgroup/memory"
    std::vector<std::string> controllers;  // "cpu", "cpuacct", "name=systemd"
    std::string own;                       // the caller's cgroup, relative to mount_point
};

struct UnifiedHierarchy {
    std::string mount_point;  // "/sys/fs/cgroup" (v2) or "/sys/fs/cgroup/unified"
    std::string own;
};

struct Layout {
    bool v2 = false;  // cgroup2 mounted at the root itself: a pure v2 host
    std::vector<V1Hierarchy> v1;
    std::optional<UnifiedHierarchy> unified;
};

// Only mounts at or below `root` count; a hierarchy mounted elsewhere (a
// container's own view, a test mount) is not the host's.
Layout layout_from(std::string_view mountinfo, std::string_view proc_cgroup, const std::string& root);
// The running host, from /proc/self; root is normally /sys/fs/cgroup.
Layout host_layout(const std::string& root = "/sys/fs/cgroup");

// The container's cgroup inside one hierarchy ("/a/b"): an absolute
// cgroupsPath is taken from the hierarchy's root, a relative one nests under
// the caller's own cgroup `own` (as runc does), an absent one is
// <own>/crun-lite/<id>. Rejects ".." (escaping the hierarchy) and the root.
std::string container_path(const Config& config, const std::string& own);

// "/a/./b//c/" -> "/a/b/c"; throws on "..".
std::string clean_path(std::string_view path, std::string_view what);

}  // namespace cgroups
