// Child processes of the shim: posix_spawn (vfork-fast, no copy of the
// shim's memory) with exactly the fds given mapped to 0, 1, 2 (and 3), the
// signal mask and dispositions the shim changed put back, everything else
// closed. The shim blocks SIGCHLD for its signalfd; a child must not
// inherit that, or the container would never see its own children exit.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace shim {

struct SpawnSpec {
    std::string path;
    std::vector<std::string> args;  // argv[0] included
    int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // -1: /dev/null
    std::vector<int> extra_fds;                          // handed on as 3, 4, ...
    bool new_session = false;
    std::vector<std::string> extra_env;  // NAME=VALUE added to ours
    bool clear_env = false;              // extra_env only, not ours
};

pid_t spawn(const SpawnSpec& spec);
// The same child, with the same fds, signal state and environment, but
// forked without exec: it runs entry(argv) (spec.path unused) and exits
// with its status. For crun-lite's command line linked into the shim: a
// runtime call then costs no exec, no loader or libc start-up and no
// second process image.
pid_t spawn_call(const SpawnSpec& spec, int (*entry)(int, char**));
// Waits for that one child (not any other): its raw wait status.
int wait_for(pid_t pid);
// containerd's convention: the exit code, or 128 + the signal.
uint32_t exit_status_of(int wait_status);

}  // namespace shim
