#include "runtime/support_check.hpp"

#include <unistd.h>

#include "common/error.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/seccomp.hpp"

namespace runtime {

void check_supported(const oci::Spec& spec) {
    if (!spec.linux) throw common::Error("linux: required on this platform");
    if (!spec.process) throw common::Error("process: required to create a container");
    if (spec.root.path.empty()) throw common::Error("root.path: required");
    const oci::Linux& linux = *spec.linux;
    if (linux.hasIntelRdt) throw common::Error("linux.intelRdt: not supported by crun-lite");
    if (linux.hasMemoryPolicy) throw common::Error("linux.memoryPolicy: not supported yet");
    if (linux.seccomp) check_seccomp_supported(*linux.seccomp);
    // Without SELinux a mount label means nothing, and crun and runc (whose
    // label calls do nothing then) ignore it; with SELinux we cannot honour it.
    if (!linux.mountLabel.empty() && ::access("/sys/fs/selinux/enforce", F_OK) == 0) {
        throw common::Error("linux.mountLabel: SELinux labels are not supported by crun-lite");
    }
    check_process_supported(*spec.process);
}

}  // namespace runtime
