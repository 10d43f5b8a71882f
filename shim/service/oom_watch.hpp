// TaskOOM: the kernel's OOM kills in a container's memory cgroup, seen in
// the shim's event loop. cgroup v1 (and hybrid hosts, whose memory
// controller is v1): an eventfd registered for memory.oom_control through
// cgroup.event_control. cgroup v2: inotify on memory.events, reporting
// when its oom_kill count grows.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "common/unique_fd.hpp"
#include "shim/ttrpc/event_loop.hpp"

namespace shim {

class OomWatch {
public:
    // Watches the memory cgroup that pid is in; throws common::Error when
    // there is none to watch (no memory controller).
    OomWatch(ttrpc::EventLoop& loop, pid_t pid, std::function<void()> on_oom);
    ~OomWatch();
    OomWatch(const OomWatch&) = delete;
    OomWatch& operator=(const OomWatch&) = delete;

private:
    void ready();
    uint64_t oom_kills() const;  // v2: memory.events' oom_kill

    ttrpc::EventLoop& loop_;
    std::function<void()> on_oom_;
    std::string dir_;
    bool v2_ = false;
    uint64_t kills_ = 0;
    common::UniqueFd fd_;          // the eventfd (v1) or inotify fd (v2)
    common::UniqueFd oom_control_;  // v1: held open while registered
};

}  // namespace shim
