#include "shim/service/publisher.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/file.hpp"
#include "shim/service/spawn.hpp"

namespace shim {

void Publisher::publish(shimproto::Event event) {
    if (binary_.empty()) return;
    queue_.push_back(std::move(event));
    if (running_ < 0) start_next();
}

pid_t Publisher::launch(const shimproto::Event& event) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) common::throw_errno("pipe2 for the publisher");
    common::UniqueFd read_end(fds[0]), write_end(fds[1]);
    SpawnSpec spec{binary_,
                   {binary_, "--address", address_, "publish", "--topic", event.topic, "--namespace", namespace_},
                   read_end.get(), -1, STDERR_FILENO};
    const pid_t pid = spawn(spec);
    read_end.reset();
    // An event is a few hundred bytes: far below the pipe's buffer.
    try {
        common::write_fd(write_end.get(), shimproto::encode(event.payload), "publisher stdin");
    } catch (const common::Error& e) {
        spdlog::warn("publish {}: {}", event.topic, e.what());
    }
    return pid;
}

void Publisher::start_next() {
    while (running_ < 0 && !queue_.empty()) {
        shimproto::Event event = std::move(queue_.front());
        queue_.pop_front();
        try {
            running_ = launch(event);
        } catch (const common::Error& e) {
            spdlog::error("publish {}: {}", event.topic, e.what());
        }
    }
}

bool Publisher::reaped(pid_t pid, int wait_status) {
    if (pid != running_) return false;
    if (exit_status_of(wait_status) != 0) spdlog::warn("publish: {} exited with {}", binary_, exit_status_of(wait_status));
    running_ = -1;
    start_next();
    return true;
}

void Publisher::flush() {
    while (running_ >= 0) {
        const pid_t pid = running_;
        reaped(pid, wait_for(pid));
    }
}

}  // namespace shim
