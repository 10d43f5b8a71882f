// Cgroup metrics in containerd's format for cgroup v1 and hybrid hosts:
// io.containerd.cgroups.v1.Metrics (containerd/cgroups stats/v1/
// metrics.proto), the Any that Stats answers and `ctr task metrics` prints.
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

}  // namespace shimproto
