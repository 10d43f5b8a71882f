#include "shim/ttrpc/event_loop.hpp"

#include <sys/epoll.h>

#include <cerrno>

#include "common/error.hpp"

namespace ttrpc {

EventLoop::EventLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) common::throw_errno("epoll_create1");
}

void EventLoop::add(int fd, uint32_t events, Callback callback) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) common::throw_errno("epoll_ctl add fd " + std::to_string(fd));
    callbacks_[fd] = std::make_shared<Callback>(std::move(callback));
}

void EventLoop::remove(int fd) {
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    callbacks_.erase(fd);
}

void EventLoop::run() {
    running_ = true;
    epoll_event events[16];
    while (running_) {
        const int n = epoll_wait(epoll_.get(), events, 16, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            common::throw_errno("epoll_wait");
        }
        for (int i = 0; i < n && running_; ++i) {
            auto it = callbacks_.find(events[i].data.fd);
            if (it == callbacks_.end()) continue;  // removed by an earlier callback
            auto callback = it->second;
            (*callback)(events[i].events);
        }
        if (after_) after_();
    }
}

}  // namespace ttrpc
