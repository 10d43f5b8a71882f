#include "runtime/support_check.hpp"

#include "common/error.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/seccomp.hpp"

namespace runtime {

void check_supported(const oci::Spec& spec) {
    if (!spec.linux) throw common::Error("linux: required on this platform");
    if (!spec.process) throw common::Error("process: required to create a container");
    if (spec.root.path.empty()) throw common::Error("root.path: required");
    const oci::Linux& linux = *spec.linux;
    // Without a mount namespace every mount below would land on the host.
    const oci::Namespace* mnt = oci::find_namespace(linux, oci::NamespaceType::mount);
    if (!mnt || !mnt->path.empty()) {
        throw common::Error("linux.namespaces: a new mount namespace is required");
    }
    if (linux.hasIntelRdt) throw common::Error("linux.intelRdt: not supported by crun-lite");
    if (linux.hasMemoryPolicy) throw common::Error("linux.memoryPolicy: not supported yet");
    if (linux.seccomp) check_seccomp_supported(*linux.seccomp);
    if (!linux.mountLabel.empty()) {
        throw common::Error("linux.mountLabel: SELinux is not enabled on this host");
    }
    check_process_supported(*spec.process);
}

}  // namespace runtime
