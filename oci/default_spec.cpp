#include "oci/default_spec.hpp"

#include <nlohmann/json.hpp>

#include "oci/default_seccomp.hpp"
#include "oci/version.hpp"

namespace oci {

namespace {

using json = nlohmann::ordered_json;

json mount(const char* destination, const char* type, const char* source, std::vector<std::string> options) {
    json m;
    m["destination"] = destination;
    m["type"] = type;
    m["source"] = source;
    if (!options.empty()) m["options"] = std::move(options);
    return m;
}

json process() {
    // Only the three harmless capabilities, in bounding/effective/permitted:
    // no inheritable (CVE-2022-29162) and, as runc since 1.2, no ambient.
    const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    json p;
    p["terminal"] = true;
    p["user"] = {{"uid", 0}, {"gid", 0}};
    p["args"] = {"sh"};
    p["env"] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p["cwd"] = "/";
    p["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    p["rlimits"] = json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}});
    p["noNewPrivileges"] = true;
    return p;
}

json mounts(bool rootless) {
    json m = json::array();
    m.push_back(mount("/proc", "proc", "proc", {}));
    m.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    // gid=5 (tty) is not mapped in a rootless user namespace.
    std::vector<std::string> pts = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
    if (!rootless) pts.push_back("gid=5");
    m.push_back(mount("/dev/pts", "devpts", "devpts", pts));
    m.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    m.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    // A fresh sysfs needs a network namespace owned by our user namespace;
    // rootless containers share the host's, so bind the host's /sys instead.
    if (rootless)
        m.push_back(mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}));
    else
        m.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
    m.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    return m;
}

json namespaces(const DefaultSpecOptions& o) {
    json ns = json::array();
    ns.push_back({{"type", "pid"}});
    if (!o.rootless) ns.push_back({{"type", "network"}});
    ns.push_back({{"type", "ipc"}});
    ns.push_back({{"type", "uts"}});
    ns.push_back({{"type", "mount"}});
    if (o.cgroup_namespace) ns.push_back({{"type", "cgroup"}});
    if (o.rootless) ns.push_back({{"type", "user"}});
    return ns;
}

// The default seccomp profile (oci/default_seccomp.cpp), between
// namespaces and maskedPaths, where runc's field order puts it.
void add_default_seccomp(json& linux) { linux["seccomp"] = default_seccomp_profile(); }

json linux_section(const DefaultSpecOptions& o) {
    json l;
    if (o.rootless) {
        l["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", o.host_uid}, {"size", 1}}});
        l["gidMappings"] = json::array({{{"containerID", 0}, {"hostID", o.host_gid}, {"size", 1}}});
    } else {
        // Deny every device by default; the runtime allows the standard ones.
        l["resources"] = {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}};
    }
    l["namespaces"] = namespaces(o);
    add_default_seccomp(l);
    l["maskedPaths"] = {"/proc/acpi",        "/proc/asound",      "/proc/kcore",       "/proc/keys",
                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                        "/sys/firmware",     "/proc/scsi",        "/sys/devices/virtual/tpm"};
    l["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    return l;
}

}  // namespace

std::string default_spec_json(const DefaultSpecOptions& options) {
    json spec;
    spec["ociVersion"] = kSpecVersion;
    spec["process"] = process();
    spec["root"] = {{"path", "rootfs"}, {"readonly", true}};
    spec["hostname"] = "crun-lite";
    spec["mounts"] = mounts(options.rootless);
    spec["linux"] = linux_section(options);
    return spec.dump(1, '\t');
}

std::string default_spec_json(bool rootless) {
    DefaultSpecOptions options;
    options.rootless = rootless;
    return default_spec_json(options);
}

}  // namespace oci
