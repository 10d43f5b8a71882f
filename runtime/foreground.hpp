// `run` and `exec` in the foreground: the runtime stays, forwards the
// signals it receives to the container process, proxies the terminal, and
// returns the process's exit status (128+N when killed by signal N).
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace runtime {

class ForegroundWaiter {
public:
    // Blocks the forwarded signals right away, so none sent between now and
    // the wait is lost; the container child resets its own mask.
    ForegroundWaiter();
    ~ForegroundWaiter();
    ForegroundWaiter(const ForegroundWaiter&) = delete;
    ForegroundWaiter& operator=(const ForegroundWaiter&) = delete;

    // `pty_master` < 0 when there is no terminal to proxy.
    int wait(pid_t pid, int pty_master);

private:
    sigset_t old_mask_;
};

}  // namespace runtime
