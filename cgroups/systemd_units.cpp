#include "cgroups/systemd_units.hpp"

#include <unistd.h>

#include <cstdint>

#include "cgroups/convert.hpp"
#include "cgroups/device_rules.hpp"
#include "common/error.hpp"

namespace cgroups::systemd {

namespace {

constexpr uint64_t kInfinity = UINT64_MAX;  // systemd's USEC_INFINITY / CGROUP_LIMIT_MAX
constexpr uint64_t kDefaultPeriod = 100000;

[[noreturn]] void bad_path(const std::string& path, const std::string& why) {
    throw common::Error("linux.cgroupsPath \"" + path + "\": " + why);
}

// What systemd accepts in a unit name (unit_name_is_valid): ASCII letters,
// digits and ":-_.\"; '@' marks templates, which a scope is not.
bool valid_unit_chars(const std::string& s) {
    for (unsigned char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-' ||
              c == '_' || c == '.' || c == '\\'))
            return false;
    }
    return true;
}

uint64_t limit_value(int64_t v) { return v < 0 ? kInfinity : static_cast<uint64_t>(v); }

std::string device_path(char type, int64_t major, int64_t minor) {
    return std::string(type == 'b' ? "/dev/block/" : "/dev/char/") + std::to_string(major) + ":" +
           std::to_string(minor);
}

std::string perms(unsigned access) {
    std::string p;
    if (access & kAccessRead) p += 'r';
    if (access & kAccessWrite) p += 'w';
    if (access & kAccessMknod) p += 'm';
    return p;
}

// CPUQuotaPerSecUSec from a quota and period, rounded up to whole percents
// of a CPU (10 ms per second) as systemd stores it; the quota adjusted to
// match, so that cpu.max says what systemd would write.
void add_cpu_quota(Properties& props, std::optional<int64_t>& quota, std::optional<uint64_t> period,
                   int version) {
    if (period && *period != 0 && version >= 242) props.push_back({"CPUQuotaPeriodUSec", *period});
    if ((!quota || *quota == 0) && (!period || *period == 0)) return;
    uint64_t per_sec = kInfinity;
    if (quota && *quota > 0) {
        const uint64_t p = period && *period ? *period : kDefaultPeriod;
        per_sec = static_cast<uint64_t>(*quota) * 1000000 / p;
        if (per_sec % 10000 != 0) {
            per_sec = (per_sec / 10000 + 1) * 10000;
            quota = static_cast<int64_t>(per_sec * p / 1000000);
        }
    }
    props.push_back({"CPUQuotaPerSecUSec", per_sec});
}

void add_io(Properties& props, const oci::BlockIoResources& b, bool v2, std::vector<std::string>& notes) {
    if (!v2) {
        if (b.weight) props.push_back({"BlockIOWeight", static_cast<uint64_t>(*b.weight)});
        if (!b.weightDevice.empty() || !b.throttleReadBpsDevice.empty() || !b.throttleWriteBpsDevice.empty() ||
            !b.throttleReadIOPSDevice.empty() || !b.throttleWriteIOPSDevice.empty())
            notes.push_back("blockIO: device weights and throttles go to the blkio files only");
        return;
    }
    if (b.weight) props.push_back({"IOWeight", blkio_weight_to_io_weight(*b.weight)});
    std::vector<std::pair<std::string, uint64_t>> weights;
    for (const auto& d : b.weightDevice)
        if (d.weight) weights.emplace_back(device_path('b', d.major, d.minor), blkio_weight_to_io_weight(*d.weight));
    if (!weights.empty()) props.push_back({"IODeviceWeight", weights});
    auto throttle = [&](const char* name, const std::vector<oci::ThrottleDevice>& list) {
        if (list.empty()) return;
        std::vector<std::pair<std::string, uint64_t>> v;
        for (const auto& d : list) v.emplace_back(device_path('b', d.major, d.minor), d.rate ? d.rate : kInfinity);
        props.push_back({name, v});
    };
    throttle("IOReadBandwidthMax", b.throttleReadBpsDevice);
    throttle("IOWriteBandwidthMax", b.throttleWriteBpsDevice);
    throttle("IOReadIOPSMax", b.throttleReadIOPSDevice);
    throttle("IOWriteIOPSMax", b.throttleWriteIOPSDevice);
}

std::optional<uint64_t> unified_number(const std::string& key, const std::string& raw) {
    const std::string v = trim(raw);
    if (v == "max") return kInfinity;
    auto n = parse_u64(v);
    if (!n) throw common::Error("linux.resources.unified[\"" + key + "\"]: \"" + raw + "\" is not a number or \"max\"");
    return n;
}

// runc's table of unified keys systemd has properties for; the others go to
// the files only.
void add_unified(Properties& props, const std::map<std::string, std::string>& unified, int version) {
    static const std::pair<const char*, const char*> memory[] = {{"memory.high", "MemoryHigh"},
                                                                 {"memory.low", "MemoryLow"},
                                                                 {"memory.min", "MemoryMin"},
                                                                 {"memory.max", "MemoryMax"},
                                                                 {"memory.swap.max", "MemorySwapMax"}};
    for (const auto& [key, value] : unified) {
        for (const auto& [k, name] : memory)
            if (key == k) props.push_back({name, *unified_number(key, value)});
        if (key == "pids.max") {
            uint64_t n = *unified_number(key, value);
            props.push_back({"TasksMax", n == 0 ? 1 : n});  // systemd refuses 0
        } else if (key == "cpu.weight") {
            if (unified.count("cpu.idle") && trim(unified.at("cpu.idle")) == "1" && version >= 252) continue;
            props.push_back({"CPUWeight", *unified_number(key, value)});
        } else if (key == "cpu.idle") {
            if (trim(value) == "1" && version >= 252) props.push_back({"CPUWeight", uint64_t{0}});
        } else if (key == "cpu.max") {
            const std::string v = trim(value);
            const size_t space = v.find(' ');
            std::optional<int64_t> quota = 0;
            std::optional<uint64_t> period = kDefaultPeriod;
            const std::string q = v.substr(0, space);
            if (q != "max") {
                auto n = parse_u64(q);
                if (!n) throw common::Error("linux.resources.unified[\"cpu.max\"]: bad quota \"" + value + "\"");
                quota = static_cast<int64_t>(*n);
            }
            if (space != std::string::npos) {
                period = parse_u64(v.substr(space + 1));
                if (!period) throw common::Error("linux.resources.unified[\"cpu.max\"]: bad period \"" + value + "\"");
            }
            add_cpu_quota(props, quota, period, version);
        } else if ((key == "cpuset.cpus" || key == "cpuset.mems") && version >= 244) {
            props.push_back({key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes",
                             cpu_mask(value, "linux.resources.unified[\"" + key + "\"]")});
        }
    }
}

}  // namespace

std::string expand_slice(const std::string& slice) {
    const std::string suffix = ".slice";
    if (slice.size() <= suffix.size() || slice.compare(slice.size() - suffix.size(), suffix.size(), suffix) != 0)
        throw common::Error("\"" + slice + "\" is not a slice name (NAME.slice)");
    if (slice.find('/') != std::string::npos) throw common::Error("slice \"" + slice + "\" must not contain '/'");
    const std::string name = slice.substr(0, slice.size() - suffix.size());
    if (name == "-") return "";
    if (!valid_unit_chars(slice)) throw common::Error("slice \"" + slice + "\" has characters systemd refuses");
    std::string path, prefix;
    size_t start = 0;
    for (;;) {
        const size_t dash = name.find('-', start);
        const std::string part = name.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
        if (part.empty()) throw common::Error("slice \"" + slice + "\" has an empty component");
        path += "/" + prefix + part + suffix;
        prefix += part + "-";
        if (dash == std::string::npos) break;
        start = dash + 1;
    }
    return path;
}

std::vector<std::string> slice_chain(const std::string& slice) {
    std::vector<std::string> chain;
    const std::string path = expand_slice(slice);
    size_t start = 1;
    while (start < path.size()) {
        const size_t slash = path.find('/', start);
        chain.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return chain;
}

Placement parse_cgroups_path(const std::optional<std::string>& cgroups_path, const std::string& container_id,
                             bool user) {
    const std::string default_slice = user ? "user.slice" : "system.slice";
    std::string slice, prefix = "crun-lite", name = container_id;
    const std::string path = cgroups_path.value_or("");
    if (!path.empty()) {
        const size_t a = path.find(':');
        const size_t b = a == std::string::npos ? a : path.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos || path.find(':', b + 1) != std::string::npos)
            bad_path(path, "with --systemd-cgroup it must be \"slice:prefix:name\" (e.g. \"system.slice:myprefix:"
                           "mycontainer\")");
        slice = path.substr(0, a);
        prefix = path.substr(a + 1, b - a - 1);
        name = path.substr(b + 1);
    }
    Placement p;
    p.slice = slice.empty() ? default_slice : slice;
    try {
        expand_slice(p.slice);
    } catch (const common::Error& e) {
        bad_path(path, e.what());
    }
    if (name.empty()) bad_path(path, "the name part (slice:prefix:name) is empty");
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".slice") == 0)
        bad_path(path, "a slice as the container's own unit is not supported: name a scope (slice:prefix:name)");
    p.unit = prefix + "-" + name + ".scope";
    if (!valid_unit_chars(prefix) || !valid_unit_chars(name) || p.unit.size() > 255)
        bad_path(path, "\"" + p.unit + "\" is not a valid systemd unit name (letters, digits, \":-_.\\\" only)");
    return p;
}

std::vector<uint8_t> cpu_mask(const std::string& list, const std::string& field) {
    std::vector<uint8_t> bits;
    auto set = [&](uint64_t n) {
        if (n >= 8192) throw common::Error(field + ": CPU or node " + std::to_string(n) + " is out of range");
        if (bits.size() <= n / 8) bits.resize(n / 8 + 1, 0);
        bits[n / 8] |= static_cast<uint8_t>(1u << (n % 8));
    };
    size_t start = 0;
    while (start <= list.size()) {
        const size_t comma = list.find(',', start);
        const std::string item = trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!item.empty()) {
            const size_t dash = item.find('-');
            auto lo = parse_u64(item.substr(0, dash));
            auto hi = dash == std::string::npos ? lo : parse_u64(item.substr(dash + 1));
            if (!lo || !hi || *lo > *hi) throw common::Error(field + ": \"" + list + "\" is not a CPU list");
            for (uint64_t n = *lo; n <= *hi; ++n) set(n);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (bits.empty()) throw common::Error(field + ": \"" + list + "\" names no CPU");
    return bits;
}

Properties base_properties(const Placement& placement, bool v2) {
    return {
        {"Description", std::string("crun-lite container ") + placement.unit},
        {"Slice", placement.slice},
        {"Delegate", true},
        {"MemoryAccounting", true},
        {"CPUAccounting", true},
        {v2 ? "IOAccounting" : "BlockIOAccounting", true},
        {"TasksAccounting", true},
        {"DefaultDependencies", false},
    };
}

Properties device_properties(const std::vector<oci::DeviceCgroupRule>& rules, std::vector<std::string>& notes) {
    const DeviceState state = device_state(rules);
    using Allow = std::vector<std::pair<std::string, std::string>>;
    if (state.default_allow) {
        if (state.exceptions.empty()) return {{"DeviceAllow", Allow{}}, {"DevicePolicy", std::string("auto")}};
        notes.push_back("linux.resources.devices: systemd has no deny list; the unit denies every device and the "
                        "cgroup's own filter applies the rules");
        return {{"DeviceAllow", Allow{}}, {"DevicePolicy", std::string("strict")}};
    }
    Allow allow;
    for (const auto& [key, access] : state.exceptions) {
        const char* group = key.type == 'b' ? "block-" : "char-";
        if (key.major < 0 && key.minor >= 0) {
            notes.push_back("linux.resources.devices: systemd cannot express \"" +
                            device_line(key.type, key.major, key.minor, access) + "\"; the cgroup's own filter does");
            continue;
        }
        std::string path = key.major < 0   ? std::string(group) + "*"
                           : key.minor < 0 ? std::string(group) + std::to_string(key.major)
                                           : device_path(key.type, key.major, key.minor);
        allow.emplace_back(path, perms(access));
    }
    // An empty DeviceAllow first clears what an update would add to.
    return {{"DeviceAllow", Allow{}}, {"DevicePolicy", std::string("strict")}, {"DeviceAllow", allow}};
}

Properties resource_properties(oci::Resources& r, bool v2, int version, std::vector<std::string>& notes) {
    Properties props;
    if (!r.devices.empty()) props = device_properties(r.devices, notes);
    if (r.memory) {
        const auto& m = *r.memory;
        if (m.limit && *m.limit != 0) props.push_back({v2 ? "MemoryMax" : "MemoryLimit", limit_value(*m.limit)});
        if (v2 && m.reservation && *m.reservation != 0) props.push_back({"MemoryLow", limit_value(*m.reservation)});
        if (v2) {
            auto swap = swap_to_v2(m.swap, m.limit);
            if (swap && *swap != 0) props.push_back({"MemorySwapMax", limit_value(*swap)});
        }
    }
    if (r.cpu) {
        auto& c = *r.cpu;
        if (c.shares && *c.shares != 0) {
            if (v2) {
                if (!(c.idle && *c.idle && version >= 252))
                    props.push_back({"CPUWeight", cpu_shares_to_weight(*c.shares)});
            } else {
                props.push_back({"CPUShares", *c.shares});
            }
        }
        if (v2 && c.idle && *c.idle && version >= 252) props.push_back({"CPUWeight", uint64_t{0}});
        add_cpu_quota(props, c.quota, c.period, version);
        if (version >= 244) {
            if (!c.cpus.empty()) props.push_back({"AllowedCPUs", cpu_mask(c.cpus, "linux.resources.cpu.cpus")});
            if (!c.mems.empty()) props.push_back({"AllowedMemoryNodes", cpu_mask(c.mems, "linux.resources.cpu.mems")});
        }
    }
    if (r.pids) {
        // The spec's "<= 0" is unlimited; systemd's TasksMax=0 is not.
        props.push_back({"TasksMax", r.pids->limit > 0 ? static_cast<uint64_t>(r.pids->limit) : kInfinity});
    }
    if (r.blockIO) add_io(props, *r.blockIO, v2, notes);
    if (v2) add_unified(props, r.unified, version);
    return props;
}

}  // namespace cgroups::systemd
