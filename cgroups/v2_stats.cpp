// V2Manager::stats(): the unified hierarchy's counters, in the v1-shaped
// Stats that runc's events report.
#include "cgroups/stats_files.hpp"
#include "cgroups/v2_manager.hpp"

namespace cgroups {

using stats_files::limit;
using stats_files::number;

Stats V2Manager::stats() const {
    ControlDir d(path_);
    Stats s;
    s.memory_usage = number(d, "memory.current");
    s.memory_max_usage = number(d, "memory.peak");  // Linux 5.19+
    s.memory_limit = limit(d, "memory.max");
    if (auto v = d.read("memory.events")) {
        auto kv = parse_flat_keyed(*v);
        s.oom_kills = kv["oom_kill"];
        s.oom_events = kv["oom"];
        s.memory_failcnt = kv["max"];  // times usage hit memory.max: v1's failcnt
    }
    if (auto v = d.read("memory.stat")) s.memory_raw = parse_flat_keyed(*v);
    auto raw = [&](const char* key) {
        auto it = s.memory_raw.find(key);
        return it == s.memory_raw.end() ? uint64_t{0} : it->second;
    };
    s.memory_cache = raw("file");
    s.kernel.usage = raw("kernel");  // Linux 5.18+; v2 has no separate limit
    s.kernel_tcp.usage = raw("sock");
    if (d.has("memory.swap.current")) {
        // runc reports v2 swap as memory+swap, v1's memsw.
        s.swap.usage = number(d, "memory.swap.current") + s.memory_usage;
        s.swap.max = number(d, "memory.swap.peak");
        if (s.swap.max) s.swap.max += s.memory_max_usage;
        const uint64_t swap_limit = limit(d, "memory.swap.max");
        s.swap.limit = swap_limit && s.memory_limit ? swap_limit + s.memory_limit : 0;
        if (auto v = d.read("memory.swap.events")) s.swap.failcnt = parse_flat_keyed(*v)["max"];
    }
    s.pids_current = number(d, "pids.current");
    s.pids_limit = limit(d, "pids.max");
    if (auto v = d.read("cpu.stat")) {
        auto kv = parse_flat_keyed(*v);
        s.cpu_usage_ns = kv["usage_usec"] * 1000;
        s.cpu_user_ns = kv["user_usec"] * 1000;
        s.cpu_system_ns = kv["system_usec"] * 1000;
        s.cpu_periods = kv["nr_periods"];
        s.cpu_throttled_periods = kv["nr_throttled"];
        s.cpu_throttled_ns = kv["throttled_usec"] * 1000;
    }
    if (auto v = d.read("io.stat")) {
        std::vector<DeviceStat> bytes, ios;
        parse_io_stat(*v, bytes, ios);
        s.io_service_bytes = stats_files::to_entries(bytes);
        s.io_serviced = stats_files::to_entries(ios);
    }
    s.hugetlb = stats_files::v2_hugetlb(path_);
    return s;
}

}  // namespace cgroups
