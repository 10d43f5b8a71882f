// "linux": namespaces, id mappings, devices, paths and the other
// Linux-only members. Resources and seccomp have files of their own.
#include <array>
#include <set>

#include "oci/parse_internal.hpp"
#include "oci/seccomp_names.hpp"

namespace oci::detail {

namespace {

struct NamespaceName {
    const char* name;
    NamespaceType type;
};

constexpr std::array<NamespaceName, 8> kNamespaceNames = {{
    {"pid", NamespaceType::pid},
    {"network", NamespaceType::network},
    {"mount", NamespaceType::mount},
    {"ipc", NamespaceType::ipc},
    {"uts", NamespaceType::uts},
    {"user", NamespaceType::user},
    {"cgroup", NamespaceType::cgroup},
    {"time", NamespaceType::time},
}};

constexpr std::array kPropagations = {"shared",  "slave",  "private",  "unbindable",
                                      "rshared", "rslave", "rprivate", "runbindable"};

std::vector<Namespace> parse_namespaces(const JsonNode& node) {
    std::vector<Namespace> out;
    std::set<NamespaceType> seen;
    for (const auto& e : node.elements()) {
        const JsonNode type = e.required("type");
        const std::string name = type.as_string();
        const NamespaceName* found = nullptr;
        for (const auto& candidate : kNamespaceNames) {
            if (name == candidate.name) found = &candidate;
        }
        if (!found) type.fail("unknown namespace type \"" + name + "\"");
        if (!seen.insert(found->type).second) type.fail("duplicate namespace type \"" + name + "\"");
        Namespace ns;
        ns.type = found->type;
        if (auto p = e.optional("path")) ns.path = absolute_path(*p);
        out.push_back(std::move(ns));
    }
    return out;
}

std::map<std::string, TimeOffset> parse_time_offsets(const JsonNode& node) {
    std::map<std::string, TimeOffset> out;
    for (const auto& [clock, value] : node.members()) {
        // The kernel's /proc/<pid>/timens_offsets knows only these two.
        if (clock != "monotonic" && clock != "boottime")
            value.fail("unknown clock (only \"monotonic\" and \"boottime\" have offsets)");
        TimeOffset t;
        t.secs = value.optional_int<int64_t>("secs").value_or(0);
        if (auto n = value.optional("nanosecs")) {
            t.nanosecs = n->as_int<uint32_t>();
            if (t.nanosecs >= 1000000000u) n->fail("must be less than 1000000000");
        }
        out[clock] = t;
    }
    return out;
}

Device parse_device(const JsonNode& node) {
    Device d;
    d.path = absolute_path(node.required("path"));
    const JsonNode type = node.required("type");
    d.type = type.as_string();
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
        type.fail("unknown device type \"" + d.type + "\" (expected c, b, u or p)");
    const bool needs_numbers = d.type != "p";  // a fifo has no device number
    if (needs_numbers) {
        d.major = node.required("major").as_int<int64_t>();
        d.minor = node.required("minor").as_int<int64_t>();
    } else {
        d.major = node.optional_int<int64_t>("major").value_or(0);
        d.minor = node.optional_int<int64_t>("minor").value_or(0);
    }
    // fileMode is kept as any uint32: some engines pass the S_IFCHR bits too.
    d.fileMode = node.optional_int<uint32_t>("fileMode");
    d.uid = node.optional_int<uint32_t>("uid");
    d.gid = node.optional_int<uint32_t>("gid");
    return d;
}

Personality parse_personality(const JsonNode& node) {
    Personality p;
    const JsonNode domain = node.required("domain");
    p.domain = domain.as_string();
    if (p.domain != "LINUX" && p.domain != "LINUX32")
        domain.fail("unknown personality domain \"" + p.domain + "\" (expected LINUX or LINUX32)");
    p.flags = node.optional_string_array("flags");
    return p;
}

// An interface name as the kernel accepts it (dev_valid_name).
bool valid_interface_name(const std::string& name) {
    if (name.empty() || name.size() >= 16 || name == "." || name == "..") return false;
    return name.find_first_of("/: \t\n") == std::string::npos;
}

std::map<std::string, NetDevice> parse_net_devices(const JsonNode& node) {
    std::map<std::string, NetDevice> out;
    for (const auto& [host_name, value] : node.members()) {
        if (!valid_interface_name(host_name)) value.fail("not a valid network interface name");
        NetDevice dev;
        if (auto n = value.optional("name")) {
            dev.name = n->as_string();
            if (!valid_interface_name(dev.name)) n->fail("\"" + dev.name + "\" is not a valid network interface name");
        }
        out[host_name] = dev;
    }
    return out;
}

}  // namespace

Linux parse_linux(const JsonNode& node) {
    node.expect_object();
    Linux l;
    if (auto n = node.optional("namespaces")) l.namespaces = parse_namespaces(*n);
    if (auto n = node.optional("uidMappings")) l.uidMappings = id_mappings(*n);
    if (auto n = node.optional("gidMappings")) l.gidMappings = id_mappings(*n);
    if (auto n = node.optional("timeOffsets")) l.timeOffsets = parse_time_offsets(*n);
    if (auto n = node.optional("devices")) {
        for (const auto& e : n->elements()) l.devices.push_back(parse_device(e));
    }
    if (auto n = node.optional("cgroupsPath")) l.cgroupsPath = n->as_string();
    if (auto n = node.optional("resources")) l.resources = parse_resources(*n);
    if (auto n = node.optional("rootfsPropagation")) {
        l.rootfsPropagation = n->as_string();
        // "" is what a Go encoder writes for "unset"; treat it so.
        if (!l.rootfsPropagation.empty() && !contains_name(kPropagations, l.rootfsPropagation))
            n->fail("unknown propagation \"" + l.rootfsPropagation +
                    "\" (expected shared, slave, private or unbindable, optionally r-prefixed)");
    }
    if (auto n = node.optional("seccomp")) l.seccomp = parse_seccomp(*n);
    if (auto n = node.optional("sysctl")) l.sysctl = string_map(*n);
    if (auto n = node.optional("maskedPaths")) l.maskedPaths = absolute_paths(*n);
    if (auto n = node.optional("readonlyPaths")) l.readonlyPaths = absolute_paths(*n);
    l.mountLabel = node.optional_string("mountLabel");
    if (auto n = node.optional("personality")) l.personality = parse_personality(*n);
    if (auto n = node.optional("netDevices")) l.netDevices = parse_net_devices(*n);
    // Not implemented here; recorded so that the runtime refuses them loudly.
    if (auto n = node.optional("intelRdt")) {
        n->expect_object();
        l.hasIntelRdt = true;
    }
    if (auto n = node.optional("memoryPolicy")) {
        n->expect_object();
        l.hasMemoryPolicy = true;
    }
    return l;
}

}  // namespace oci::detail
