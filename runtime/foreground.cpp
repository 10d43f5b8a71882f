#include "runtime/foreground.hpp"

#include <poll.h>
#include <optional>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "runtime/terminal.hpp"

namespace runtime {

namespace {

sigset_t forwarded_signals() {
    sigset_t set;
    sigfillset(&set);
    // Synchronous faults and the unblockable ones stay ours.
    for (int sig : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS}) sigdelset(&set, sig);
    return set;
}

int exit_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

// Copies what is readable on `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
    char buf[8192];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n <= 0) return n < 0 && errno == EINTR;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        off += w;
    }
    return true;
}

}  // namespace

ForegroundWaiter::ForegroundWaiter() {
    sigset_t set = forwarded_signals();
    ::sigprocmask(SIG_BLOCK, &set, &old_mask_);
}

ForegroundWaiter::~ForegroundWaiter() { ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr); }

int ForegroundWaiter::wait(pid_t pid, int pty_master) {
    sigset_t set = forwarded_signals();
    common::UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!sfd) common::throw_errno("signalfd");
    std::optional<RawTerminal> raw;
    bool stdin_open = pty_master >= 0;
    bool master_open = pty_master >= 0;
    if (pty_master >= 0) {
        raw.emplace();
        copy_window_size(0, pty_master);
    }
    for (;;) {
        int status;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            // Drain what the container wrote before it exited.
            while (master_open && pump(pty_master, 1)) {
                struct pollfd p { pty_master, POLLIN, 0 };
                if (::poll(&p, 1, 0) <= 0) break;
            }
            return exit_status(status);
        }
        if (r < 0 && errno != EINTR) common::throw_errno("wait for the container process");
        struct pollfd fds[3] = {{sfd.get(), POLLIN, 0},
                                {stdin_open ? 0 : -1, POLLIN, 0},
                                {master_open ? pty_master : -1, POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR) continue;
            common::throw_errno("poll");
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (::read(sfd.get(), &info, sizeof info) == sizeof info) {
                int sig = static_cast<int>(info.ssi_signo);
                if (sig == SIGCHLD) continue;
                if (sig == SIGWINCH && pty_master >= 0) {
                    copy_window_size(0, pty_master);
                    continue;
                }
                ::kill(pid, sig);
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) stdin_open = pump(0, pty_master);
        if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) master_open = pump(pty_master, 1);
    }
}

}  // namespace runtime
