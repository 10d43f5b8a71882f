// "linux.resources" (also the document of `update --resources`). Values
// are range-checked here so that the cgroup writers can format them as
// they are; names that become file names (unified keys) are checked too.
#include <set>

#include "oci/parse.hpp"
#include "oci/parse_internal.hpp"

namespace oci::detail {

namespace {

DeviceCgroupRule parse_device_rule(const JsonNode& node) {
    DeviceCgroupRule r;
    r.allow = node.required("allow").as_bool();
    if (auto n = node.optional("type")) {
        r.type = n->as_string();
        if (!r.type.empty() && r.type != "a" && r.type != "b" && r.type != "c")
            n->fail("unknown device type \"" + r.type + "\" (expected a, b or c)");
    }
    r.major = node.optional_int<int64_t>("major");
    r.minor = node.optional_int<int64_t>("minor");
    if (auto n = node.optional("access")) {
        r.access = n->as_string();
        if (r.access.find_first_not_of("rwm") != std::string::npos)
            n->fail("\"" + r.access + "\" may only contain r, w and m");
    }
    return r;
}

MemoryResources parse_memory(const JsonNode& node) {
    node.expect_object();
    MemoryResources m;
    m.limit = node.optional_int<int64_t>("limit");
    m.reservation = node.optional_int<int64_t>("reservation");
    m.swap = node.optional_int<int64_t>("swap");
    m.kernel = node.optional_int<int64_t>("kernel");
    m.kernelTCP = node.optional_int<int64_t>("kernelTCP");
    if (auto n = node.optional("swappiness")) {
        m.swappiness = n->as_int<uint64_t>();
        if (*m.swappiness > 100) n->fail("must be between 0 and 100");
    }
    m.disableOOMKiller = node.optional_bool("disableOOMKiller");
    m.useHierarchy = node.optional_bool("useHierarchy");
    m.checkBeforeUpdate = node.optional_bool("checkBeforeUpdate");
    // swap is memory+swap: below the limit it cannot be applied (-1 means
    // unlimited and is not > 0, so it passes).
    if (m.limit && m.swap && *m.limit > 0 && *m.swap > 0 && *m.swap < *m.limit)
        node.required("swap").fail("must not be less than memory.limit (swap counts memory plus swap)");
    return m;
}

CpuResources parse_cpu(const JsonNode& node) {
    node.expect_object();
    CpuResources c;
    c.shares = node.optional_int<uint64_t>("shares");
    c.quota = node.optional_int<int64_t>("quota");
    c.burst = node.optional_int<uint64_t>("burst");
    c.period = node.optional_int<uint64_t>("period");
    c.realtimeRuntime = node.optional_int<int64_t>("realtimeRuntime");
    c.realtimePeriod = node.optional_int<uint64_t>("realtimePeriod");
    c.cpus = node.optional_string("cpus");
    c.mems = node.optional_string("mems");
    if (auto n = node.optional("idle")) {
        // The schema says int64 (0 or 1, as cpu.idle takes); a boolean is
        // accepted too since the struct keeps it as one.
        if (n->raw().is_boolean()) {
            c.idle = n->as_bool();
        } else {
            const int64_t idle = n->as_int<int64_t>();
            if (idle != 0 && idle != 1) n->fail("must be 0 or 1");
            c.idle = idle == 1;
        }
    }
    return c;
}

void parse_device_numbers(const JsonNode& node, int64_t& major, int64_t& minor) {
    major = node.required("major").as_int<int64_t>();
    minor = node.required("minor").as_int<int64_t>();
}

std::vector<ThrottleDevice> parse_throttle(const JsonNode& parent, std::string_view key) {
    std::vector<ThrottleDevice> out;
    if (auto n = parent.optional(key)) {
        for (const auto& e : n->elements()) {
            ThrottleDevice t;
            parse_device_numbers(e, t.major, t.minor);
            t.rate = e.optional_int<uint64_t>("rate").value_or(0);
            out.push_back(t);
        }
    }
    return out;
}

BlockIoResources parse_block_io(const JsonNode& node) {
    node.expect_object();
    BlockIoResources b;
    b.weight = node.optional_int<uint16_t>("weight");
    b.leafWeight = node.optional_int<uint16_t>("leafWeight");
    if (auto n = node.optional("weightDevice")) {
        for (const auto& e : n->elements()) {
            WeightDevice w;
            parse_device_numbers(e, w.major, w.minor);
            w.weight = e.optional_int<uint16_t>("weight");
            w.leafWeight = e.optional_int<uint16_t>("leafWeight");
            b.weightDevice.push_back(w);
        }
    }
    b.throttleReadBpsDevice = parse_throttle(node, "throttleReadBpsDevice");
    b.throttleWriteBpsDevice = parse_throttle(node, "throttleWriteBpsDevice");
    b.throttleReadIOPSDevice = parse_throttle(node, "throttleReadIOPSDevice");
    b.throttleWriteIOPSDevice = parse_throttle(node, "throttleWriteIOPSDevice");
    return b;
}

// "2MB", "1GB", "64KB": the schema's ^[1-9][0-9]*[KMG]B$.
bool valid_page_size(const std::string& s) {
    if (s.size() < 3 || s[0] < '1' || s[0] > '9' || s.back() != 'B') return false;
    const char unit = s[s.size() - 2];
    if (unit != 'K' && unit != 'M' && unit != 'G') return false;
    return s.find_first_not_of("0123456789") == s.size() - 2;
}

std::vector<HugepageLimit> parse_hugepages(const JsonNode& node) {
    std::vector<HugepageLimit> out;
    for (const auto& e : node.elements()) {
        HugepageLimit h;
        const JsonNode size = e.required("pageSize");
        h.pageSize = size.as_string();
        if (!valid_page_size(h.pageSize)) size.fail("\"" + h.pageSize + "\" is not a page size such as \"2MB\"");
        h.limit = e.required("limit").as_int<uint64_t>();
        out.push_back(std::move(h));
    }
    return out;
}

NetworkResources parse_network(const JsonNode& node) {
    node.expect_object();
    NetworkResources n;
    n.classID = node.optional_int<uint32_t>("classID");
    if (auto p = node.optional("priorities")) {
        for (const auto& e : p->elements()) {
            NetPriority prio;
            prio.name = e.required("name").as_string();
            prio.priority = e.required("priority").as_int<uint32_t>();
            n.priorities.push_back(std::move(prio));
        }
    }
    return n;
}

std::map<std::string, RdmaLimit> parse_rdma(const JsonNode& node) {
    std::map<std::string, RdmaLimit> out;
    for (const auto& [device, value] : node.members()) {
        RdmaLimit r;
        r.hcaHandles = value.optional_int<uint32_t>("hcaHandles");
        r.hcaObjects = value.optional_int<uint32_t>("hcaObjects");
        out[device] = r;
    }
    return out;
}

std::map<std::string, std::string> parse_unified(const JsonNode& node) {
    auto out = string_map(node);
    // Keys become file names inside the container's cgroup directory: a
    // '/' or a dot-dot would let a config write outside it.
    for (const auto& [key, value] : out) {
        if (key == "." || key == ".." || key.find('/') != std::string::npos || key.find('\0') != std::string::npos)
            throw ConfigError(member_path(node.path(), key) + ": not a cgroup file name");
    }
    return out;
}

}  // namespace

Resources parse_resources(const JsonNode& node) {
    node.expect_object();
    Resources r;
    if (auto n = node.optional("devices")) {
        for (const auto& e : n->elements()) r.devices.push_back(parse_device_rule(e));
    }
    if (auto n = node.optional("memory")) r.memory = parse_memory(*n);
    if (auto n = node.optional("cpu")) r.cpu = parse_cpu(*n);
    if (auto n = node.optional("pids")) r.pids = PidsResources{n->required("limit").as_int<int64_t>()};
    if (auto n = node.optional("blockIO")) r.blockIO = parse_block_io(*n);
    if (auto n = node.optional("hugepageLimits")) r.hugepageLimits = parse_hugepages(*n);
    if (auto n = node.optional("network")) r.network = parse_network(*n);
    if (auto n = node.optional("rdma")) r.rdma = parse_rdma(*n);
    if (auto n = node.optional("unified")) r.unified = parse_unified(*n);
    return r;
}

}  // namespace oci::detail
