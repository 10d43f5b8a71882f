#include "runtime/seccomp.hpp"

#include "common/error.hpp"

namespace runtime {

void check_seccomp_supported(const oci::Seccomp&) {
    throw common::Error("linux.seccomp: not supported yet");
}

void install_seccomp(const oci::Seccomp&, const std::string&) {
    throw common::Error("linux.seccomp: not supported yet");
}

}  // namespace runtime
