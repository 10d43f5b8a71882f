// io.containerd.cgroups.v2.Metrics: Metrics {pids = 1, cpu = 2, memory = 4,
// io = 6, hugetlb = 7 (repeated), memory_events = 8}; rdma (5) stays empty.
#include <map>

#include "shim/proto/metrics.hpp"
#include "shim/proto/wire.hpp"

namespace shimproto {
namespace {

// v2 MemoryStat's field numbers by memory.stat key (1-31); 32-37 are the
// usage figures the runtime reports apart from memory.stat.
const std::map<std::string, uint32_t>& memory_stat_fields() {
    static const std::map<std::string, uint32_t> fields = {
        {"anon", 1}, {"file", 2}, {"kernel_stack", 3}, {"slab", 4}, {"sock", 5}, {"shmem", 6},
        {"file_mapped", 7}, {"file_dirty", 8}, {"file_writeback", 9}, {"anon_thp", 10},
        {"inactive_anon", 11}, {"active_anon", 12}, {"inactive_file", 13}, {"active_file", 14},
        {"unevictable", 15}, {"slab_reclaimable", 16}, {"slab_unreclaimable", 17}, {"pgfault", 18},
        {"pgmajfault", 19}, {"workingset_refault", 20}, {"workingset_activate", 21},
        {"workingset_nodereclaim", 22}, {"pgrefill", 23}, {"pgscan", 24}, {"pgsteal", 25},
        {"pgactivate", 26}, {"pgdeactivate", 27}, {"pglazyfree", 28}, {"pglazyfreed", 29},
        {"thp_fault_alloc", 30}, {"thp_collapse_alloc", 31},
    };
    return fields;
}

constexpr uint64_t usec(uint64_t ns) { return ns / 1000; }

struct IoTotals {
    uint64_t rbytes = 0, wbytes = 0, rios = 0, wios = 0;
};

// The runtime's blkio entries (runc's v1-shaped "Read"/"Write" per device)
// folded into v2's one entry per device.
std::map<std::pair<uint64_t, uint64_t>, IoTotals> io_by_device(const CgroupMetrics& m) {
    std::map<std::pair<uint64_t, uint64_t>, IoTotals> out;
    for (const auto& e : m.io_service_bytes) {
        auto& t = out[{e.major, e.minor}];
        if (e.op == "Read" || e.op == "read") t.rbytes += e.value;
        if (e.op == "Write" || e.op == "write") t.wbytes += e.value;
    }
    for (const auto& e : m.io_serviced) {
        auto& t = out[{e.major, e.minor}];
        if (e.op == "Read" || e.op == "read") t.rios += e.value;
        if (e.op == "Write" || e.op == "write") t.wios += e.value;
    }
    return out;
}

}  // namespace

Any encode_v2_metrics(const CgroupMetrics& m, const MemoryEvents& events) {
    Writer metrics;
    Writer pids;
    pids.varint_field(1, m.pids_current);
    pids.varint_field(2, m.pids_limit);
    metrics.message_field(1, pids.data());

    Writer cpu;
    cpu.varint_field(1, usec(m.cpu_total));
    cpu.varint_field(2, usec(m.cpu_user));
    cpu.varint_field(3, usec(m.cpu_kernel));
    cpu.varint_field(4, m.throttle_periods);
    cpu.varint_field(5, m.throttled_periods);
    cpu.varint_field(6, usec(m.throttled_time));
    metrics.message_field(2, cpu.data());

    Writer memory;
    for (const auto& [key, number] : memory_stat_fields())
        if (auto it = m.memory_stat.find(key); it != m.memory_stat.end()) memory.varint_field(number, it->second);
    memory.varint_field(32, m.memory_usage.usage);
    memory.varint_field(33, m.memory_usage.limit);
    // runc's JSON (and so the runtime's) reports v2 swap as memory + swap,
    // v1's memsw; v2's Metrics has swap alone.
    const auto swap_only = [&](uint64_t memsw, uint64_t memory_part) { return memsw > memory_part ? memsw - memory_part : 0; };
    memory.varint_field(34, swap_only(m.memory_swap.usage, m.memory_usage.usage));
    memory.varint_field(35, m.memory_swap.limit && m.memory_usage.limit ? swap_only(m.memory_swap.limit, m.memory_usage.limit)
                                                                       : m.memory_swap.limit);
    memory.varint_field(36, m.memory_usage.max);
    memory.varint_field(37, swap_only(m.memory_swap.max, m.memory_usage.max));
    metrics.message_field(4, memory.data());

    Writer io;
    for (const auto& [device, t] : io_by_device(m)) {
        Writer entry;
        entry.varint_field(1, device.first);
        entry.varint_field(2, device.second);
        entry.varint_field(3, t.rbytes);
        entry.varint_field(4, t.wbytes);
        entry.varint_field(5, t.rios);
        entry.varint_field(6, t.wios);
        io.message_field(1, entry.data());
    }
    metrics.message_field(6, io.data());

    for (const auto& h : m.hugetlb) {
        Writer w;
        w.varint_field(1, h.usage);
        w.varint_field(2, h.max);
        w.bytes_field(3, h.pagesize);
        metrics.message_field(7, w.data());
    }

    Writer memory_events;
    memory_events.varint_field(1, events.low);
    memory_events.varint_field(2, events.high);
    memory_events.varint_field(3, events.max);
    memory_events.varint_field(4, events.oom);
    memory_events.varint_field(5, events.oom_kill);
    metrics.message_field(8, memory_events.data());
    return {"io.containerd.cgroups.v2.Metrics", std::move(metrics).take()};
}

}  // namespace shimproto
