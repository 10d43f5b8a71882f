// V1Manager::stats(): each controller's counters from its own hierarchy.
#include <dirent.h>
#include <unistd.h>

#include <memory>

#include "cgroups/stats_files.hpp"
#include "cgroups/v1_manager.hpp"

namespace cgroups {

namespace stats_files {

std::vector<std::string> hugetlb_sizes(const std::string& dir, std::string_view suffix) {
    std::vector<std::string> out;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return out;
    const std::string tail = "." + std::string(suffix);
    while (auto* e = ::readdir(d.get())) {
        std::string_view name(e->d_name);
        if (name.rfind("hugetlb.", 0) != 0 || name.size() <= 8 + tail.size()) continue;
        if (name.substr(name.size() - tail.size()) != tail) continue;
        std::string_view size = name.substr(8, name.size() - 8 - tail.size());
        if (size.find('.') != std::string_view::npos) continue;  // hugetlb.2MB.rsvd.*
        out.emplace_back(size);
    }
    return out;
}

std::map<std::string, HugetlbEntry> v2_hugetlb(const std::string& dir) {
    std::map<std::string, HugetlbEntry> out;
    ControlDir d(dir);
    for (auto& size : hugetlb_sizes(dir, "current")) {
        const std::string p = "hugetlb." + size + ".";
        HugetlbEntry& e = out[size];
        e.usage = number(d, p + "current");
        if (auto v = d.read(p + "events")) e.failcnt = parse_flat_keyed(*v)["max"];
    }
    return out;
}

}  // namespace stats_files

namespace {

using stats_files::limit;
using stats_files::number;

// memory.<prefix>usage_in_bytes and friends (prefix "", "memsw.", "kmem.",
// "kmem.tcp.").
MemoryEntry memory_entry(const ControlDir& d, const std::string& prefix) {
    MemoryEntry e;
    e.usage = number(d, "memory." + prefix + "usage_in_bytes");
    e.max = number(d, "memory." + prefix + "max_usage_in_bytes");
    e.limit = limit(d, "memory." + prefix + "limit_in_bytes");
    e.failcnt = number(d, "memory." + prefix + "failcnt");
    return e;
}

}  // namespace

Stats V1Manager::stats() const {
    Stats s;
    if (const Dir* mem = find("memory")) {
        ControlDir d(mem->path);
        MemoryEntry usage = memory_entry(d, "");
        s.memory_usage = usage.usage;
        s.memory_max_usage = usage.max;
        s.memory_limit = usage.limit;
        s.memory_failcnt = usage.failcnt;
        s.swap = memory_entry(d, "memsw.");
        s.kernel = memory_entry(d, "kmem.");
        s.kernel_tcp = memory_entry(d, "kmem.tcp.");
        if (auto v = d.read("memory.stat")) s.memory_raw = parse_flat_keyed(*v);
        s.memory_cache = s.memory_raw.count("cache") ? s.memory_raw["cache"] : 0;
        if (auto v = d.read("memory.oom_control")) {
            auto kv = parse_flat_keyed(*v);
            s.oom_kills = kv["oom_kill"];
            // v1 counts kills only (an OOM without a kill, under
            // oom_kill_disable, shows as the under_oom flag, not a count).
            s.oom_events = kv["oom_kill"];
        }
    }
    if (const Dir* pids = find("pids")) {
        ControlDir d(pids->path);
        s.pids_current = number(d, "pids.current");
        s.pids_limit = limit(d, "pids.max");
    }
    if (const Dir* acct = find("cpuacct")) {
        ControlDir d(acct->path);
        s.cpu_usage_ns = number(d, "cpuacct.usage");
        if (auto v = d.read("cpuacct.usage_percpu")) s.cpu_percpu_ns = parse_u64_list(*v);
        if (auto v = d.read("cpuacct.stat")) {
            // cpuacct.stat counts USER_HZ ticks.
            const uint64_t ns_per_tick = 1000000000ULL / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
            auto kv = parse_flat_keyed(*v);
            s.cpu_user_ns = kv["user"] * ns_per_tick;
            s.cpu_system_ns = kv["system"] * ns_per_tick;
        }
    }
    if (const Dir* cpu = find("cpu")) {
        if (auto v = ControlDir(cpu->path).read("cpu.stat")) {
            auto kv = parse_flat_keyed(*v);
            s.cpu_periods = kv["nr_periods"];
            s.cpu_throttled_periods = kv["nr_throttled"];
            s.cpu_throttled_ns = kv["throttled_time"];
        }
    }
    if (const Dir* blkio = find("blkio")) {
        ControlDir d(blkio->path);
        // The CFQ/BFQ files are gone with the legacy schedulers; the
        // throttle layer counts every bio.
        for (const char* prefix : {"blkio.io_service", "blkio.bfq.io_service", "blkio.throttle.io_service"}) {
            auto bytes = d.read(std::string(prefix) + "_bytes_recursive");
            if (!bytes || trim(*bytes).empty() || trim(*bytes) == "Total 0") continue;
            s.io_service_bytes = stats_files::to_entries(parse_blkio_lines(*bytes));
            if (auto ios = d.read(std::string(prefix) + "d_recursive"))
                s.io_serviced = stats_files::to_entries(parse_blkio_lines(*ios));
            break;
        }
    }
    if (const Dir* h = find("hugetlb")) {
        ControlDir d(h->path);
        for (auto& size : stats_files::hugetlb_sizes(h->path, "usage_in_bytes")) {
            const std::string p = "hugetlb." + size + ".";
            s.hugetlb[size] = {number(d, p + "usage_in_bytes"), number(d, p + "max_usage_in_bytes"),
                               number(d, p + "failcnt")};
        }
    } else if (const Dir* u = unified_dir(); u && in_unified("hugetlb")) {
        s.hugetlb = stats_files::v2_hugetlb(u->path);
    }
    return s;
}

}  // namespace cgroups
