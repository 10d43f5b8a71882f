// SIGCHLD through a signalfd in the daemon's loop: every child and every
// orphan of the containers (the shim is their subreaper) is reaped here
// and its status handed to the handler.
#pragma once

#include <sys/types.h>

#include <functional>

#include "common/unique_fd.hpp"
#include "shim/ttrpc/event_loop.hpp"

namespace shim {

class Reaper {
public:
    using Handler = std::function<void(pid_t pid, int wait_status)>;
    // Blocks SIGCHLD in the calling thread (the loop's) first.
    Reaper(ttrpc::EventLoop& loop, Handler handler);
    ~Reaper();
    void reap_now();

private:
    ttrpc::EventLoop& loop_;
    Handler handler_;
    common::UniqueFd fd_;
};

}  // namespace shim
