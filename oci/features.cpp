#include "oci/features.hpp"

#include <nlohmann/json.hpp>

#include "oci/capabilities.hpp"
#include "oci/seccomp_names.hpp"
#include "oci/version.hpp"

namespace oci {

namespace {

std::vector<std::string> to_strings(std::span<const char* const> names) {
    return {names.begin(), names.end()};
}

}  // namespace

Features default_features() {
    Features f;
    f.ociVersionMin = "1.0.0";
    f.ociVersionMax = kSpecVersion;
    f.hooks = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};
    // The options of config.md's table; the rootfs module recognises these.
    f.mountOptions = {
        "async",   "atime",      "bind",       "defaults",       "dev",      "diratime",   "dirsync",
        "exec",    "iversion",   "lazytime",   "loud",           "mand",     "noatime",    "nodev",
        "nodiratime", "noexec",  "noiversion", "nolazytime",     "nomand",   "norelatime", "nostrictatime",
        "nosuid",  "nosymfollow", "private",   "ratime",         "rbind",    "rdev",       "rdiratime",
        "relatime", "remount",   "rexec",      "rnoatime",       "rnodiratime", "rnoexec", "rnorelatime",
        "rnostrictatime", "rnosuid", "rnosymfollow", "ro",       "rprivate", "rro",        "rrw",
        "rshared", "rslave",     "rstrictatime", "rsuid",        "rsymfollow", "runbindable", "rw",
        "shared",  "silent",     "slave",      "strictatime",    "suid",     "symfollow",  "sync",
        "tmpcopyup", "unbindable",
    };
    f.linux.namespaces = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};
    f.linux.capabilities = to_strings(all_capability_names());
    f.linux.seccomp.actions = to_strings(seccomp_actions());
    f.linux.seccomp.operators = to_strings(seccomp_operators());
    f.linux.seccomp.archs = to_strings(seccomp_architectures());
    f.linux.seccomp.knownFlags = to_strings(seccomp_flags());
    return f;
}

std::string to_json(const Features& f) {
    using json = nlohmann::ordered_json;
    json j;
    j["ociVersionMin"] = f.ociVersionMin;
    j["ociVersionMax"] = f.ociVersionMax;
    j["hooks"] = f.hooks;
    j["mountOptions"] = f.mountOptions;

    const auto& l = f.linux;
    json linux;
    linux["namespaces"] = l.namespaces;
    linux["capabilities"] = l.capabilities;
    linux["cgroup"] = {{"v1", l.cgroup.v1},
                       {"v2", l.cgroup.v2},
                       {"systemd", l.cgroup.systemd},
                       {"systemdUser", l.cgroup.systemdUser},
                       {"rdma", l.cgroup.rdma}};
    json seccomp;
    seccomp["enabled"] = l.seccomp.enabled;
    // The lists describe what the runtime knows; runc omits them when
    // seccomp is off, and so do we, to not advertise what cannot be used.
    if (l.seccomp.enabled) {
        seccomp["actions"] = l.seccomp.actions;
        seccomp["operators"] = l.seccomp.operators;
        seccomp["archs"] = l.seccomp.archs;
        seccomp["knownFlags"] = l.seccomp.knownFlags;
        seccomp["supportedFlags"] = l.seccomp.supportedFlags;
    }
    linux["seccomp"] = seccomp;
    linux["apparmor"] = {{"enabled", l.apparmorEnabled}};
    linux["selinux"] = {{"enabled", l.selinuxEnabled}};
    linux["intelRdt"] = {{"enabled", l.intelRdtEnabled}};
    linux["mountExtensions"] = {{"idmap", {{"enabled", l.idmapMountsEnabled}}}};
    linux["netDevices"] = {{"enabled", l.netDevicesEnabled}};
    j["linux"] = linux;

    if (!f.annotations.empty()) j["annotations"] = f.annotations;
    if (!f.potentiallyUnsafeConfigAnnotations.empty())
        j["potentiallyUnsafeConfigAnnotations"] = f.potentiallyUnsafeConfigAnnotations;
    return j.dump(2);
}

}  // namespace oci
