// Cgroup metrics in containerd's format, the Any that Stats answers and
// `ctr task metrics` prints: io.containerd.cgroups.v1.Metrics on cgroup v1
// and hybrid hosts (containerd/cgroups stats/v1/metrics.proto), v2's
// Metrics on a unified host.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "shim/proto/common_types.hpp"

namespace shimproto {

struct MemoryEntry {
    uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};

struct BlkioEntry {
    std::string op;
    uint64_t major = 0, minor = 0, value = 0;
};

struct HugetlbEntry {
    std::string pagesize;
    uint64_t usage = 0, max = 0, failcnt = 0;
};

struct CgroupMetrics {
    uint64_t pids_current = 0, pids_limit = 0;
    uint64_t cpu_total = 0, cpu_kernel = 0, cpu_user = 0;
    std::vector<uint64_t> cpu_per_cpu;
    uint64_t throttle_periods = 0, throttled_periods = 0, throttled_time = 0;
    // memory.stat by its v1 key (cache, rss, total_rss, pgfault, ...)
    std::map<std::string, uint64_t> memory_stat;
    MemoryEntry memory_usage, memory_swap, memory_kernel, memory_kernel_tcp;
    std::vector<BlkioEntry> io_service_bytes, io_serviced;
    std::vector<HugetlbEntry> hugetlb;
};

Any encode_v1_metrics(const CgroupMetrics& metrics);

// memory.events of a cgroup v2 (not in the runtime's stats JSON).
struct MemoryEvents {
    uint64_t low = 0, high = 0, max = 0, oom = 0, oom_kill = 0;
};

// io.containerd.cgroups.v2.Metrics (containerd/cgroups' v2 stats
// metrics.proto), what containerd's runc shim answers on a cgroup v2 host:
// the same runtime figures in v2's units and names (usec, memory.stat's v2
// keys, io by device).
Any encode_v2_metrics(const CgroupMetrics& metrics, const MemoryEvents& events);

}  // namespace shimproto
