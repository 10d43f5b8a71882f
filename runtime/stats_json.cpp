#include "runtime/stats_json.hpp"

#include <limits>

namespace runtime {

namespace {

// runc reports an unlimited memory limit as the kernel's huge value; ours
// is 0 in Stats, so give clients the maximum instead of "limit 0".
uint64_t memory_limit(uint64_t limit) { return limit ? limit : std::numeric_limits<uint64_t>::max(); }

nlohmann::json entry(const cgroups::MemoryEntry& e) {
    return {{"limit", memory_limit(e.limit)}, {"usage", e.usage}, {"max", e.max}, {"failcnt", e.failcnt}};
}

nlohmann::json blkio(const std::vector<cgroups::BlkioEntry>& entries) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& e : entries) out.push_back({{"major", e.major}, {"minor", e.minor}, {"op", e.op}, {"value", e.value}});
    return out;
}

}  // namespace

nlohmann::json stats_to_json(const cgroups::Stats& s) {
    nlohmann::json cpu_usage = {{"total", s.cpu_usage_ns}, {"kernel", s.cpu_system_ns}, {"user", s.cpu_user_ns}};
    if (!s.cpu_percpu_ns.empty()) cpu_usage["percpu"] = s.cpu_percpu_ns;
    nlohmann::json memory = {
        {"usage",
         {{"limit", memory_limit(s.memory_limit)},
          {"usage", s.memory_usage},
          {"max", s.memory_max_usage},
          {"failcnt", s.memory_failcnt}}},
        {"swap", entry(s.swap)},
        {"kernel", entry(s.kernel)},
        {"kernelTCP", entry(s.kernel_tcp)},
    };
    if (s.memory_cache) memory["cache"] = s.memory_cache;
    if (!s.memory_raw.empty()) memory["raw"] = s.memory_raw;
    nlohmann::json hugetlb = nlohmann::json::object();
    for (auto& [size, h] : s.hugetlb) hugetlb[size] = {{"usage", h.usage}, {"max", h.max}, {"failcnt", h.failcnt}};
    nlohmann::json block = nlohmann::json::object();
    if (!s.io_service_bytes.empty()) block["ioServiceBytesRecursive"] = blkio(s.io_service_bytes);
    if (!s.io_serviced.empty()) block["ioServicedRecursive"] = blkio(s.io_serviced);
    return {
        {"cpu",
         {{"usage", cpu_usage},
          {"throttling",
           {{"periods", s.cpu_periods},
            {"throttledPeriods", s.cpu_throttled_periods},
            {"throttledTime", s.cpu_throttled_ns}}}}},
        {"memory", memory},
        {"pids", {{"current", s.pids_current}, {"limit", s.pids_limit}}},
        {"blkio", block},
        {"hugetlb", hugetlb},
    };
}

}  // namespace runtime
