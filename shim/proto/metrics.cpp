#include "shim/proto/metrics.hpp"

#include "shim/proto/wire.hpp"

namespace shimproto {
namespace {

std::string entry(const MemoryEntry& e) {
    Writer w;
    w.varint_field(1, e.limit);
    w.varint_field(2, e.usage);
    w.varint_field(3, e.max);
    w.varint_field(4, e.failcnt);
    return std::move(w).take();
}

std::string blkio_entry(const BlkioEntry& e) {
    Writer w;
    w.bytes_field(1, e.op);
    w.varint_field(3, e.major);
    w.varint_field(4, e.minor);
    w.varint_field(5, e.value);
    return std::move(w).take();
}

// MemoryStat's field numbers by memory.stat key.
const std::map<std::string, uint32_t>& memory_stat_fields() {
    static const std::map<std::string, uint32_t> fields = {
        {"cache", 1}, {"rss", 2}, {"rss_huge", 3}, {"mapped_file", 4}, {"dirty", 5}, {"writeback", 6},
        {"pgpgin", 7}, {"pgpgout", 8}, {"pgfault", 9}, {"pgmajfault", 10}, {"inactive_anon", 11},
        {"active_anon", 12}, {"inactive_file", 13}, {"active_file", 14}, {"unevictable", 15},
        {"hierarchical_memory_limit", 16}, {"hierarchical_memsw_limit", 17}, {"total_cache", 18},
        {"total_rss", 19}, {"total_rss_huge", 20}, {"total_mapped_file", 21}, {"total_dirty", 22},
        {"total_writeback", 23}, {"total_pgpgin", 24}, {"total_pgpgout", 25}, {"total_pgfault", 26},
        {"total_pgmajfault", 27}, {"total_inactive_anon", 28}, {"total_active_anon", 29},
        {"total_inactive_file", 30}, {"total_active_file", 31}, {"total_unevictable", 32},
    };
    return fields;
}

}  // namespace

Any encode_v1_metrics(const CgroupMetrics& m) {
    Writer metrics;
    for (const auto& h : m.hugetlb) {
        Writer w;
        w.varint_field(1, h.usage);
        w.varint_field(2, h.max);
        w.varint_field(3, h.failcnt);
        w.bytes_field(4, h.pagesize);
        metrics.message_field(1, w.data());
    }
    Writer pids;
    pids.varint_field(1, m.pids_current);
    pids.varint_field(2, m.pids_limit);
    metrics.message_field(2, pids.data());

    Writer usage;
    usage.varint_field(1, m.cpu_total);
    usage.varint_field(2, m.cpu_kernel);
    usage.varint_field(3, m.cpu_user);
    usage.packed_varints_field(4, m.cpu_per_cpu);
    Writer throttle;
    throttle.varint_field(1, m.throttle_periods);
    throttle.varint_field(2, m.throttled_periods);
    throttle.varint_field(3, m.throttled_time);
    Writer cpu;
    cpu.message_field(1, usage.data());
    cpu.message_field(2, throttle.data());
    metrics.message_field(3, cpu.data());

    Writer memory;
    for (const auto& [key, number] : memory_stat_fields())
        if (auto it = m.memory_stat.find(key); it != m.memory_stat.end()) memory.varint_field(number, it->second);
    memory.message_field(33, entry(m.memory_usage));
    memory.message_field(34, entry(m.memory_swap));
    memory.message_field(35, entry(m.memory_kernel));
    memory.message_field(36, entry(m.memory_kernel_tcp));
    metrics.message_field(4, memory.data());

    Writer blkio;
    for (const auto& e : m.io_service_bytes) blkio.message_field(1, blkio_entry(e));
    for (const auto& e : m.io_serviced) blkio.message_field(2, blkio_entry(e));
    metrics.message_field(5, blkio.data());
    return {"io.containerd.cgroups.v1.Metrics", std::move(metrics).take()};
}

}  // namespace shimproto
