// version and --version, in runc's shape: clients take the third word of
// the first line as the version (podman shows the whole text).
#include <seccomp.h>

#include <iostream>

#include "oci/version.hpp"
#include "runtime/commands.hpp"
#include "runtime_git_commit.hpp"  // CRUNLITE_COMMIT, written at build time

#ifndef CRUNLITE_VERSION
#define CRUNLITE_VERSION "0.0.0"
#endif

namespace runtime {

std::string version_text() {
    // The libseccomp the binary runs with (linked in statically, or the
    // shared library the loader found), not the headers it was built with.
    const scmp_version* v = seccomp_version();
    const std::string libseccomp = v ? std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                           std::to_string(v->micro)
                                     : "unknown";
    return std::string("crun-lite version ") + CRUNLITE_VERSION + "\ncommit: " + CRUNLITE_COMMIT +
           "\nspec: " + oci::kSpecVersion + "\nlibseccomp: " + libseccomp;
}

int cmd_version() {
    std::cout << version_text() << std::endl;
    return 0;
}

}  // namespace runtime
