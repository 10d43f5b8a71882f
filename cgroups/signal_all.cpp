#include "cgroups/signal_all.hpp"

#include <signal.h>

#include <cerrno>

#include "common/error.hpp"

namespace cgroups {

void signal_all(Manager& manager, int signal, bool can_freeze) {
    // Signal 0 delivers nothing (a liveness check): no need to hold forks.
    const bool freeze = can_freeze && signal != 0 && !manager.frozen();
    if (freeze) manager.freeze();
    try {
        for (pid_t pid : manager.pids())
            if (::kill(pid, signal) < 0 && errno != ESRCH)  // ESRCH: exited meanwhile
                common::throw_errno("kill " + std::to_string(pid));
    } catch (...) {
        if (freeze) manager.thaw();
        throw;
    }
    if (freeze) manager.thaw();
}

}  // namespace cgroups
