#include "oci/spec.hpp"

namespace oci {

const char* to_string(NamespaceType type) {
    // The spelling of config.json's "type" member.
    switch (type) {
        case NamespaceType::pid: return "pid";
        case NamespaceType::network: return "network";
        case NamespaceType::mount: return "mount";
        case NamespaceType::ipc: return "ipc";
        case NamespaceType::uts: return "uts";
        case NamespaceType::user: return "user";
        case NamespaceType::cgroup: return "cgroup";
        case NamespaceType::time: return "time";
    }
    return "unknown";
}

const Namespace* find_namespace(const Linux& linux, NamespaceType type) {
    for (const auto& ns : linux.namespaces) {
        if (ns.type == type) return &ns;
    }
    return nullptr;
}

}  // namespace oci
