// Stats: the runtime's `events --stats` JSON (runc's stats layout) turned
// into containerd's cgroup Metrics, v1 or (on a unified host) v2.
#pragma once

#include <sys/types.h>

#include <string>

#include "shim/proto/metrics.hpp"

namespace shim {

// Throws common::Error when the JSON is not a stats event.
shimproto::CgroupMetrics metrics_from_stats_json(const std::string& json);
// containerd's choice (cgroups.Mode() in its runc shim): v2 Metrics only
// where /sys/fs/cgroup itself is a cgroup2 mount, v1 on hybrid hosts.
bool unified_host();
// memory.events ("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n") parsed.
shimproto::MemoryEvents parse_memory_events(const std::string& text);
// Those of pid's cgroup v2 (its "0::/path" line in /proc/PID/cgroup);
// zeros when the process or the file is gone.
shimproto::MemoryEvents memory_events_of(pid_t pid);

}  // namespace shim
