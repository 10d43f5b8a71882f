// v1 memory controller: memory.limit_in_bytes and friends.
#include <cerrno>

#include "cgroups/convert.hpp"
#include "cgroups/v1_resources.hpp"
#include "common/error.hpp"

namespace cgroups::v1 {

namespace {
constexpr const char* kLimit = "memory.limit_in_bytes";
constexpr const char* kMemsw = "memory.memsw.limit_in_bytes";

void check_before_update(const ControlDir& dir, int64_t limit) {
    if (limit <= 0) return;
    auto usage = parse_u64(dir.read_value("memory.usage_in_bytes")).value_or(0);
    if (static_cast<uint64_t>(limit) < usage)
        throw common::Error(field_name("memory.limit") + ": the new limit " + std::to_string(limit) +
                            " is below the current usage " + std::to_string(usage) + " (checkBeforeUpdate)");
}

// The kernel keeps memory.limit <= memsw.limit at every moment, so which of
// the two goes first depends on the direction of the change: raising
// memsw first makes room for a larger memory limit, lowering memory first
// makes room for a smaller memsw.
void write_limit_and_swap(const ControlDir& dir, std::optional<int64_t> limit, std::optional<int64_t> swap) {
    if (swap && !dir.has(kMemsw)) not_supported("memory.swap", kMemsw);
    // "unlimited memory" with swap unspecified means both unlimited: memsw
    // must not stay below an unlimited memory.limit.
    if (limit && *limit == -1 && !swap && dir.has(kMemsw)) swap = -1;
    // A new limit alone on a cgroup without swap (memsw == limit, as a
    // create with swap == limit leaves it) keeps it without swap: memsw
    // follows, or raising the limit would fail with EINVAL (update).
    if (limit && *limit > 0 && !swap && dir.has(kMemsw)) {
        auto cur_limit = parse_u64(dir.read_value(kLimit));
        auto cur_memsw = parse_u64(dir.read_value(kMemsw));
        if (cur_limit && cur_memsw && *cur_limit == *cur_memsw && parse_limit(std::to_string(*cur_memsw)) != 0)
            swap = limit;
    }
    if (limit && swap) {
        auto current = parse_u64(dir.read_value(kLimit)).value_or(0);
        const bool swap_first = *swap == -1 || current < static_cast<uint64_t>(*swap);
        if (swap_first) {
            dir.write("memory.swap", kMemsw, std::to_string(*swap));
            dir.write("memory.limit", kLimit, std::to_string(*limit));
        } else {
            dir.write("memory.limit", kLimit, std::to_string(*limit));
            dir.write("memory.swap", kMemsw, std::to_string(*swap));
        }
        return;
    }
    if (limit) dir.write("memory.limit", kLimit, std::to_string(*limit));
    if (swap) dir.write("memory.swap", kMemsw, std::to_string(*swap));
}
}  // namespace

void apply_memory(const ControlDir& dir, const oci::MemoryResources& m, std::vector<std::string>& notes) {
    if (m.checkBeforeUpdate.value_or(false) && m.limit) check_before_update(dir, *m.limit);
    if (m.swap && m.limit && *m.swap > 0 && *m.limit > 0 && *m.swap < *m.limit)
        throw common::Error(field_name("memory.swap") + ": memory+swap (" + std::to_string(*m.swap) +
                            ") must be >= memory.limit (" + std::to_string(*m.limit) + ")");
    write_limit_and_swap(dir, m.limit, m.swap);
    if (m.reservation) dir.write("memory.reservation", "memory.soft_limit_in_bytes", std::to_string(*m.reservation));
    if (m.kernel) {
        // Linux 5.16 deprecated and 6.x removed kernel memory limits:
        // memory.kmem.limit_in_bytes refuses writes or ignores them. Kernel
        // memory is charged to memory.limit_in_bytes anyway.
        notes.push_back(field_name("memory.kernel") +
                        ": ignored, kernel memory limits are not enforced by this kernel "
                        "(it is accounted in memory.limit)");
    }
    if (m.kernelTCP) dir.write("memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes", std::to_string(*m.kernelTCP));
    if (m.swappiness) {
        if (*m.swappiness > 100)
            throw common::Error(field_name("memory.swappiness") + ": " + std::to_string(*m.swappiness) +
                                " is out of range [0, 100]");
        dir.write("memory.swappiness", "memory.swappiness", std::to_string(*m.swappiness));
    }
    if (m.disableOOMKiller) dir.write("memory.disableOOMKiller", "memory.oom_control", *m.disableOOMKiller ? "1" : "0");
    if (m.useHierarchy) dir.write("memory.useHierarchy", "memory.use_hierarchy", *m.useHierarchy ? "1" : "0");
}

}  // namespace cgroups::v1
