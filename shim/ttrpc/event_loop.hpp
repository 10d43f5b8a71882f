// One epoll loop for the whole shim daemon: the ttrpc sockets, the SIGCHLD
// signalfd and the event publisher all run on the one thread, so the task
// state needs no locks and the shim stays one small process.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "common/unique_fd.hpp"

namespace ttrpc {

class EventLoop {
public:
    using Callback = std::function<void(uint32_t events)>;

    EventLoop();
    // Watches fd (owned by the caller) until remove(fd).
    void add(int fd, uint32_t events, Callback callback);
    void remove(int fd);
    // Runs until stop(); callbacks may add, remove and stop.
    void run();
    void stop() { running_ = false; }
    // Runs after each batch of callbacks (the shim publishes its events
    // there, once the answers that caused them are on their way).
    void after_events(std::function<void()> hook) { after_ = std::move(hook); }

private:
    common::UniqueFd epoll_;
    // shared_ptr: a callback that removes itself stays alive while it runs.
    std::map<int, std::shared_ptr<Callback>> callbacks_;
    bool running_ = false;
    std::function<void()> after_;
};

}  // namespace ttrpc
