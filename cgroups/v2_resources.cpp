#include "cgroups/v2_resources.hpp"

#include "cgroups/convert.hpp"
#include "cgroups/v1_resources.hpp"
#include "common/error.hpp"

namespace cgroups::v2 {

namespace {
std::string dev(int64_t major, int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

// What the spec has and cgroup v2 has no file for.
[[noreturn]] void no_v2_equivalent(std::string_view field, std::string_view why) {
    throw common::Error(field_name(field) + ": not supported on cgroup v2 (" + std::string(why) + ")", ENOTSUP);
}
}  // namespace

bool wants_memory(const oci::MemoryResources& m) {
    return m.limit || m.reservation || m.swap || m.kernel || m.kernelTCP || m.swappiness || m.disableOOMKiller ||
           m.useHierarchy;
}
bool wants_cpu(const oci::CpuResources& c) { return c.shares || c.quota || c.period || c.burst || c.idle; }
bool wants_cpuset(const oci::CpuResources& c) { return !c.cpus.empty() || !c.mems.empty(); }
bool wants_realtime(const oci::CpuResources& c) { return c.realtimeRuntime || c.realtimePeriod; }
bool wants_io(const oci::BlockIoResources& b) {
    return b.weight || b.leafWeight || !b.weightDevice.empty() || !b.throttleReadBpsDevice.empty() ||
           !b.throttleWriteBpsDevice.empty() || !b.throttleReadIOPSDevice.empty() ||
           !b.throttleWriteIOPSDevice.empty();
}

void apply_memory(const ControlDir& dir, const oci::MemoryResources& m, std::vector<std::string>& notes) {
    if (m.checkBeforeUpdate.value_or(false) && m.limit && *m.limit > 0) {
        auto usage = parse_u64(dir.read_value("memory.current")).value_or(0);
        if (static_cast<uint64_t>(*m.limit) < usage)
            throw common::Error(field_name("memory.limit") + ": the new limit " + std::to_string(*m.limit) +
                                " is below the current usage " + std::to_string(usage) + " (checkBeforeUpdate)");
    }
    // Reject what v2 cannot do before writing anything.
    if (m.kernelTCP) no_v2_equivalent("memory.kernelTCP", "TCP memory is accounted in memory.max");
    if (m.swappiness) no_v2_equivalent("memory.swappiness", "there is no per-cgroup swappiness");
    if (m.disableOOMKiller && *m.disableOOMKiller)
        no_v2_equivalent("memory.disableOOMKiller", "the OOM killer cannot be disabled per cgroup");
    if (m.useHierarchy && !*m.useHierarchy) no_v2_equivalent("memory.useHierarchy", "v2 is always hierarchical");

    // swap.max is swap alone, the spec's swap is memory+swap.
    auto swap = swap_to_v2(m.swap, m.limit);
    if (swap) {
        // A host without swap accounting has no memory.swap.max; asking for
        // "unlimited" there is what it does anyway.
        if (dir.has("memory.swap.max"))
            dir.write("memory.swap", "memory.swap.max", limit_or_max(*swap));
        else if (*swap != -1)
            not_supported("memory.swap", "memory.swap.max");
    }
    if (m.limit) dir.write("memory.limit", "memory.max", limit_or_max(*m.limit));
    if (m.reservation) dir.write("memory.reservation", "memory.low", limit_or_max(*m.reservation));
    if (m.kernel)
        notes.push_back(field_name("memory.kernel") +
                        ": ignored, cgroup v2 has no kernel memory limit (it is accounted in memory.max)");
}

void apply_cpu(const ControlDir& dir, const oci::CpuResources& c) {
    if (c.shares && *c.shares) dir.write("cpu.shares", "cpu.weight", std::to_string(cpu_shares_to_weight(*c.shares)));
    std::optional<int64_t> quota = c.quota && *c.quota ? c.quota : std::nullopt;
    std::optional<uint64_t> period = c.period && *c.period ? c.period : std::nullopt;
    if (quota || period) {
        // cpu.max holds both: keep the quota in force when only the period
        // changes (writing "max <period>" would lift it).
        std::string current;
        if (!quota) {
            auto text = dir.read("cpu.max");
            if (!text) not_supported("cpu.period", "cpu.max");
            current = trim(*text).substr(0, trim(*text).find(' '));
        }
        dir.write(quota ? "cpu.quota" : "cpu.period", "cpu.max", cpu_max_line(quota, period, current));
    }
    if (c.burst) dir.write("cpu.burst", "cpu.max.burst", std::to_string(*c.burst));
    if (c.idle) dir.write("cpu.idle", "cpu.idle", *c.idle ? "1" : "0");
}

void apply_cpuset(const ControlDir& dir, const oci::CpuResources& c) {
    if (!c.cpus.empty()) dir.write("cpu.cpus", "cpuset.cpus", c.cpus);
    if (!c.mems.empty()) dir.write("cpu.mems", "cpuset.mems", c.mems);
}

void apply_pids(const ControlDir& dir, const oci::PidsResources& pids) {
    dir.write("pids.limit", "pids.max", pids_max(pids.limit));
}

void apply_io(const ControlDir& dir, const oci::BlockIoResources& b) {
    if (b.leafWeight) no_v2_equivalent("blockIO.leafWeight", "v2 has no leaf weights");
    for (auto& d : b.weightDevice)
        if (d.leafWeight) no_v2_equivalent("blockIO.weightDevice.leafWeight", "v2 has no leaf weights");
    // With BFQ the weight keeps blkio's range in io.bfq.weight; io.weight
    // (the io.cost controller) takes [1, 10000].
    const bool bfq = dir.has("io.bfq.weight");
    if (b.weight) {
        if (bfq)
            dir.write("blockIO.weight", "io.bfq.weight", std::to_string(*b.weight));
        else
            dir.write("blockIO.weight", "io.weight", std::to_string(blkio_weight_to_io_weight(*b.weight)));
    }
    for (auto& d : b.weightDevice) {
        if (!d.weight) continue;
        if (bfq)
            dir.write("blockIO.weightDevice", "io.bfq.weight", dev(d.major, d.minor) + " " + std::to_string(*d.weight));
        else
            dir.write("blockIO.weightDevice", "io.weight",
                      dev(d.major, d.minor) + " " + std::to_string(blkio_weight_to_io_weight(*d.weight)));
    }
    auto limit = [&](const char* field, const char* key, const std::vector<oci::ThrottleDevice>& devices) {
        // 0 is "no limit" in the spec; io.max spells that "max".
        for (auto& d : devices)
            dir.write(field, "io.max",
                      dev(d.major, d.minor) + " " + key + "=" + (d.rate ? std::to_string(d.rate) : "max"));
    };
    limit("blockIO.throttleReadBpsDevice", "rbps", b.throttleReadBpsDevice);
    limit("blockIO.throttleWriteBpsDevice", "wbps", b.throttleWriteBpsDevice);
    limit("blockIO.throttleReadIOPSDevice", "riops", b.throttleReadIOPSDevice);
    limit("blockIO.throttleWriteIOPSDevice", "wiops", b.throttleWriteIOPSDevice);
}

void apply_hugetlb(const ControlDir& dir, const std::vector<oci::HugepageLimit>& limits) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const std::string prefix = v1::hugetlb_prefix(limits[i].pageSize, i);
        const std::string value = std::to_string(limits[i].limit);
        const std::string field = "hugepageLimits[" + limits[i].pageSize + "]";
        dir.write(field, prefix + ".max", value);
        if (dir.has(prefix + ".rsvd.max")) dir.write(field, prefix + ".rsvd.max", value);
    }
}

void apply_rdma(const ControlDir& dir, const std::map<std::string, oci::RdmaLimit>& rdma) {
    // Same file and format as v1.
    v1::apply_rdma(dir, rdma);
}

void validate_unified_key(const std::string& key) {
    if (key.empty() || key.find('/') != std::string::npos || key == "." || key == ".." ||
        key.find('\0') != std::string::npos)
        throw common::Error("linux.resources.unified[\"" + key + "\"]: not a cgroup interface file name");
    if (key.find('.') == std::string::npos)
        throw common::Error("linux.resources.unified[\"" + key + "\"]: not a <controller>.<name> file name");
}

void apply_unified_entry(const ControlDir& dir, const std::string& key, const std::string& value) {
    int err = dir.try_write(key, value);
    if (err == 0) return;
    if (err == ENOENT)
        throw common::Error("linux.resources.unified[\"" + key + "\"]: no such file in " + dir.path(), err);
    common::throw_errno("linux.resources.unified[\"" + key + "\"]: write \"" + value + "\" to " + dir.file(key), err);
}

}  // namespace cgroups::v2
