// The `features` document (runtime-spec features.md / features-linux.md).
// default_features() fills what oci/ knows by itself (version range, hooks,
// the spec's mount options, namespaces, capabilities, seccomp vocabulary);
// the runtime then sets what depends on the host (cgroup versions, seccomp
// support, apparmor/selinux, supported flags) before printing it.
#pragma once

#include <map>
#include <string>
#include <vector>

#ifdef linux
#undef linux
#endif

namespace oci {

struct Features {
    std::string ociVersionMin;
    std::string ociVersionMax;
    std::vector<std::string> hooks;
    std::vector<std::string> mountOptions;
    std::map<std::string, std::string> annotations;
    std::vector<std::string> potentiallyUnsafeConfigAnnotations;

    struct Cgroup {
        bool v1 = false, v2 = false, systemd = false, systemdUser = false, rdma = false;
    };
    struct Seccomp {
        bool enabled = false;
        std::vector<std::string> actions, operators, archs, knownFlags, supportedFlags;
    };
    struct Linux {
        std::vector<std::string> namespaces;
        std::vector<std::string> capabilities;
        Cgroup cgroup;
        Seccomp seccomp;
        bool apparmorEnabled = false;
        bool selinuxEnabled = false;
        bool intelRdtEnabled = false;     // this runtime refuses linux.intelRdt
        bool idmapMountsEnabled = false;  // mountExtensions.idmap
        bool netDevicesEnabled = false;
    } linux;
};

// Host-independent values filled in; host-dependent flags left false/empty.
Features default_features();

// Pretty JSON (2-space indent) in the order of features.md.
std::string to_json(const Features& features);

}  // namespace oci
