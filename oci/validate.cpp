// Rules that tie members of different parts together, mostly "this setting
// only makes sense in its own namespace". They follow runc's validator so
// that a config runc refuses is refused here too, before any side effect.
#include <algorithm>
#include <array>

#include "oci/parse.hpp"
#include "oci/parse_internal.hpp"

namespace oci::detail {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& message) {
    throw ConfigError(path + ": " + message);
}

std::string needs(const char* ns) {
    return std::string("requires a ") + ns + " namespace in linux.namespaces";
}

bool has_ns(const Spec& spec, NamespaceType type) {
    return spec.linux && find_namespace(*spec.linux, type) != nullptr;
}

// sysctl(8) accepts '/' as the separator too ("net/ipv4/ip_forward"); when
// the first separator is '/', the two swap roles (an interface name may
// contain dots: "net/ipv4/conf/eth0.100/rp_filter").
std::string dotted_sysctl(const std::string& key) {
    const auto first = key.find_first_of("./");
    if (first == std::string::npos || key[first] == '.') return key;
    std::string out = key;
    for (char& c : out) c = c == '.' ? '/' : c == '/' ? '.' : c;
    return out;
}

void check_sysctls(const Spec& spec) {
    // Namespaced by the ipc namespace (ipc_namespaces(7)).
    static constexpr std::array kIpcSysctls = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                               "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                               "kernel.shmmni", "kernel.shm_rmid_forced"};
    for (const auto& [raw_key, value] : spec.linux->sysctl) {
        const std::string path = member_path("linux.sysctl", raw_key);
        const std::string key = dotted_sysctl(raw_key);
        const bool ipc = std::find(kIpcSysctls.begin(), kIpcSysctls.end(), key) != kIpcSysctls.end() ||
                         key.rfind("fs.mqueue.", 0) == 0;
        if (ipc) {
            if (!has_ns(spec, NamespaceType::ipc)) fail(path, "not allowed in the host's ipc namespace; " + needs("ipc"));
            continue;
        }
        if (key.rfind("net.", 0) == 0) {
            // runc also refuses a joined path that is the host's own netns;
            // that needs a stat, so the runtime checks it, not the parser.
            if (!has_ns(spec, NamespaceType::network))
                fail(path, "not allowed in the host's network namespace; " + needs("network"));
            continue;
        }
        if (key == "kernel.domainname" && has_ns(spec, NamespaceType::uts)) continue;
        if (key == "kernel.hostname" && has_ns(spec, NamespaceType::uts))
            fail(path, "not allowed: it conflicts with the \"hostname\" member; set that instead");
        fail(path, "not allowed: it is not in a namespace of the container and would change the host");
    }
}

void check_user_namespace(const Spec& spec) {
    const Linux& l = *spec.linux;
    const Namespace* user = find_namespace(l, NamespaceType::user);
    if (!user) {
        if (!l.uidMappings.empty()) fail("linux.uidMappings", needs("user"));
        if (!l.gidMappings.empty()) fail("linux.gidMappings", needs("user"));
        return;
    }
    // A new user namespace with no mapping runs everything as the overflow
    // id; runc refuses it ("user namespaces enabled, but no ... mappings").
    if (user->path.empty()) {
        if (l.uidMappings.empty()) fail("linux.uidMappings", "required for a new user namespace");
        if (l.gidMappings.empty()) fail("linux.gidMappings", "required for a new user namespace");
    }
}

void check_idmap_mounts(const Spec& spec) {
    for (std::size_t i = 0; i < spec.mounts.size(); ++i) {
        const Mount& m = spec.mounts[i];
        const bool idmap = std::any_of(m.options.begin(), m.options.end(),
                                       [](const std::string& o) { return o == "idmap" || o == "ridmap"; });
        // config.md: with no mappings of its own an idmapped mount borrows
        // the container's, and without a user namespace there are none.
        if (idmap && m.uidMappings.empty() && !has_ns(spec, NamespaceType::user))
            fail("mounts[" + std::to_string(i) + "].options",
                 "idmap without uidMappings/gidMappings " + needs("user"));
    }
}

}  // namespace

void validate_spec(const Spec& spec) {
    if (!spec.hostname.empty() && !has_ns(spec, NamespaceType::uts)) fail("hostname", needs("uts"));
    if (!spec.domainname.empty() && !has_ns(spec, NamespaceType::uts)) fail("domainname", needs("uts"));
    check_idmap_mounts(spec);
    if (!spec.linux) return;
    const Linux& l = *spec.linux;
    check_user_namespace(spec);
    if (!l.timeOffsets.empty() && !has_ns(spec, NamespaceType::time)) fail("linux.timeOffsets", needs("time"));
    // Masking /proc entries on the host's mount table would hide them from
    // the host itself.
    if (!l.maskedPaths.empty() && !has_ns(spec, NamespaceType::mount)) fail("linux.maskedPaths", needs("mount"));
    if (!l.readonlyPaths.empty() && !has_ns(spec, NamespaceType::mount)) fail("linux.readonlyPaths", needs("mount"));
    if (!l.netDevices.empty() && !has_ns(spec, NamespaceType::network)) fail("linux.netDevices", needs("network"));
    check_sysctls(spec);
}

}  // namespace oci::detail
