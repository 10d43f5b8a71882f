#include "shim/service/reaper.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"

namespace shim {

Reaper::Reaper(ttrpc::EventLoop& loop, Handler handler) : loop_(loop), handler_(std::move(handler)) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) common::throw_errno("block SIGCHLD");
    fd_.reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_) common::throw_errno("signalfd SIGCHLD");
    loop_.add(fd_.get(), EPOLLIN, [this](uint32_t) {
        signalfd_siginfo info;
        while (read(fd_.get(), &info, sizeof info) == sizeof info) {
        }
        reap_now();
    });
}

Reaper::~Reaper() { loop_.remove(fd_.get()); }

void Reaper::reap_now() {
    // SIGCHLD coalesces: one signal can stand for many exits.
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        handler_(pid, status);
    }
}

}  // namespace shim
