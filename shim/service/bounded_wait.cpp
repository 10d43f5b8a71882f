#include "shim/service/bounded_wait.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/unique_fd.hpp"

namespace shim {
namespace {

using Clock = std::chrono::steady_clock;

int millis_left(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    // Rounded up, so a poll never wakes a hair before the deadline and spins.
    return left <= 0 ? 0 : static_cast<int>(left) + 1;
}

// Waits until fd is readable or the deadline: false on the deadline.
bool poll_readable(int fd, Deadline deadline, const char* what) {
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        const int n = poll(&p, 1, millis_left(deadline));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) common::throw_errno(what);
    }
}

}  // namespace

bool read_until(int fd, Deadline deadline, std::string& out) {
    char buf[4096];
    for (;;) {
        if (!poll_readable(fd, deadline, "poll runtime output")) return false;
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            common::throw_errno("read runtime output");
        }
        if (n == 0) return true;
        out.append(buf, static_cast<size_t>(n));
    }
}

int wait_until(pid_t pid, Deadline deadline, const std::string& what) {
    int status = 0;
    // Already gone (the common case): no pidfd needed.
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) common::throw_errno("waitpid " + std::to_string(pid));
    // A pidfd turns readable when the child exits: a poll with a timeout,
    // no SIGCHLD handling (the daemon's signalfd stays the reaper of the rest).
    common::UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) common::throw_errno("pidfd_open " + std::to_string(pid));
    const bool exited = poll_readable(pidfd.get(), deadline, "poll pidfd");
    if (!exited) kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) common::throw_errno("waitpid " + std::to_string(pid));
    if (!exited) throw RuntimeTimeout(what + ": no answer within " + std::to_string(runtime_call_bound().count()) + " ms, killed");
    return status;
}

std::chrono::milliseconds runtime_call_bound() {
    const char* text = getenv("CRUNLITE_SHIM_RUNTIME_TIMEOUT_MS");
    if (text && *text) {
        char* end = nullptr;
        const long value = std::strtol(text, &end, 10);
        if (end && *end == '\0' && value > 0) return std::chrono::milliseconds(value);
    }
    return std::chrono::seconds(30);
}

}  // namespace shim
