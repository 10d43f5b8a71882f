// Small readers shared by the v1 and v2 stats() implementations.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cgroups/control_dir.hpp"
#include "cgroups/convert.hpp"
#include "cgroups/manager.hpp"

namespace cgroups::stats_files {

// The number in `file`, 0 when absent or not a number.
inline uint64_t number(const ControlDir& dir, std::string_view file) {
    auto text = dir.read(file);
    return text ? parse_u64(*text).value_or(0) : 0;
}

// A limit in `file`: 0 for absent or unlimited (the Stats convention).
inline uint64_t limit(const ControlDir& dir, std::string_view file) {
    auto text = dir.read(file);
    return text ? parse_limit(*text) : 0;
}

// The page sizes ("2MB") with a "hugetlb.<size>.<suffix>" file in `dir`.
std::vector<std::string> hugetlb_sizes(const std::string& dir, std::string_view suffix);

// hugetlb usage and failures per page size from a cgroup v2 directory (a v2
// host's cgroup, or the unified part of a hybrid one).
std::map<std::string, HugetlbEntry> v2_hugetlb(const std::string& dir);

inline std::vector<BlkioEntry> to_entries(const std::vector<DeviceStat>& stats) {
    std::vector<BlkioEntry> out;
    out.reserve(stats.size());
    for (auto& s : stats) out.push_back({s.major, s.minor, s.op, s.value});
    return out;
}

}  // namespace cgroups::stats_files
