#include "shim/service/stats.hpp"

#include <sys/statfs.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file.hpp"

namespace shim {
namespace {

uint64_t number(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

shimproto::MemoryEntry memory_entry(const nlohmann::json& memory, const char* key) {
    auto it = memory.find(key);
    if (it == memory.end() || !it->is_object()) return {};
    return {number(*it, "limit"), number(*it, "usage"), number(*it, "max"), number(*it, "failcnt")};
}

std::vector<shimproto::BlkioEntry> blkio(const nlohmann::json& block, const char* key) {
    std::vector<shimproto::BlkioEntry> out;
    auto it = block.find(key);
    if (it == block.end() || !it->is_array()) return out;
    for (const auto& e : *it)
        out.push_back({e.value("op", std::string()), number(e, "major"), number(e, "minor"), number(e, "value")});
    return out;
}

}  // namespace

shimproto::CgroupMetrics metrics_from_stats_json(const std::string& json) {
    const auto event = nlohmann::json::parse(json, nullptr, false);
    if (event.is_discarded() || !event.is_object() || !event.contains("data") || !event["data"].is_object())
        throw common::Error("stats: the runtime did not print a stats event: " + json.substr(0, 200));
    const auto& data = event["data"];
    const auto empty = nlohmann::json::object();
    const auto& cpu = data.contains("cpu") ? data["cpu"] : empty;
    const auto& usage = cpu.contains("usage") ? cpu["usage"] : empty;
    const auto& throttling = cpu.contains("throttling") ? cpu["throttling"] : empty;
    const auto& memory = data.contains("memory") ? data["memory"] : empty;
    const auto& pids = data.contains("pids") ? data["pids"] : empty;
    const auto& block = data.contains("blkio") ? data["blkio"] : empty;

    shimproto::CgroupMetrics m;
    m.pids_current = number(pids, "current");
    m.pids_limit = number(pids, "limit");
    m.cpu_total = number(usage, "total");
    m.cpu_kernel = number(usage, "kernel");
    m.cpu_user = number(usage, "user");
    if (auto it = usage.find("percpu"); it != usage.end() && it->is_array())
        for (const auto& v : *it) m.cpu_per_cpu.push_back(v.is_number_unsigned() ? v.get<uint64_t>() : 0);
    m.throttle_periods = number(throttling, "periods");
    m.throttled_periods = number(throttling, "throttledPeriods");
    m.throttled_time = number(throttling, "throttledTime");
    if (auto it = memory.find("raw"); it != memory.end() && it->is_object())
        for (const auto& [key, value] : it->items())
            if (value.is_number_unsigned()) m.memory_stat[key] = value.get<uint64_t>();
    m.memory_usage = memory_entry(memory, "usage");
    m.memory_swap = memory_entry(memory, "swap");
    m.memory_kernel = memory_entry(memory, "kernel");
    m.memory_kernel_tcp = memory_entry(memory, "kernelTCP");
    m.io_service_bytes = blkio(block, "ioServiceBytesRecursive");
    m.io_serviced = blkio(block, "ioServicedRecursive");
    if (auto it = data.find("hugetlb"); it != data.end() && it->is_object())
        for (const auto& [size, h] : it->items())
            m.hugetlb.push_back({size, number(h, "usage"), number(h, "max"), number(h, "failcnt")});
    return m;
}

bool unified_host() {
    struct statfs fs {};
    constexpr long kCgroup2SuperMagic = 0x63677270;
    return statfs("/sys/fs/cgroup", &fs) == 0 && static_cast<long>(fs.f_type) == kCgroup2SuperMagic;
}

shimproto::MemoryEvents parse_memory_events(const std::string& text) {
    shimproto::MemoryEvents events;
    std::istringstream in(text);
    std::string key;
    uint64_t value = 0;
    while (in >> key >> value) {
        if (key == "low") events.low = value;
        else if (key == "high") events.high = value;
        else if (key == "max") events.max = value;
        else if (key == "oom") events.oom = value;
        else if (key == "oom_kill") events.oom_kill = value;
    }
    return events;
}

shimproto::MemoryEvents memory_events_of(pid_t pid) {
    const auto cgroups = common::read_file_if_exists("/proc/" + std::to_string(pid) + "/cgroup");
    if (!cgroups) return {};
    std::istringstream in(*cgroups);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("0::", 0) != 0) continue;
        const auto text = common::read_file_if_exists("/sys/fs/cgroup" + line.substr(3) + "/memory.events");
        return text ? parse_memory_events(*text) : shimproto::MemoryEvents{};
    }
    return {};
}

}  // namespace shim
