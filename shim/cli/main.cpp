// containerd-shim-crun-lite-v2: containerd's runtime v2 shim for crun-lite.
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "shim/cli/commands.hpp"

int main(int argc, char** argv) {
    try {
        const shim::Flags flags = shim::parse_flags(std::vector<std::string>(argv + 1, argv + argc));
        if (flags.version) {
            std::printf("containerd-shim-crun-lite-v2 %s\n", CRUNLITE_VERSION);
            return 0;
        }
        if (flags.action == "start") return shim::run_start(flags);
        if (flags.action == "delete") return shim::run_delete(flags);
        return shim::run_daemon(flags);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "containerd-shim-crun-lite-v2: %s\n", e.what());
        return 1;
    }
}
