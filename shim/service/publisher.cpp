#include "shim/service/publisher.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/file.hpp"
#include "shim/service/spawn.hpp"

namespace shim {

bool Publisher::forward(const shimproto::Event& event) {
    const std::string request = shimproto::encode_forward_request(event, namespace_, shimproto::timestamp_now());
    // A kept connection can have died with a containerd restart: one retry
    // on a fresh one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (!client_) {
                const std::string& a = ttrpc_address_;
                client_.emplace(a.rfind("unix://", 0) == 0 ? a.substr(7) : a, 2000);
            }
            const auto response = client_->call(shimproto::kEventsService, "Forward", request,
                                                {{"containerd-namespace-ttrpc", namespace_}});
            if (response.status.code == ttrpc::Code::Ok) return true;
            spdlog::warn("forward {}: {}", event.topic, response.status.message);
            if (response.status.code == ttrpc::Code::Unimplemented) ttrpc_address_.clear();
            return response.status.code != ttrpc::Code::Unimplemented;
        } catch (const common::Error& e) {
            // The first failure is usually a connection containerd closed.
            if (attempt == 0) spdlog::debug("forward {}: {}", event.topic, e.what());
            else spdlog::warn("forward {}: {}", event.topic, e.what());
            client_.reset();
        }
    }
    return false;
}

void Publisher::publish(shimproto::Event event) { pending_.push_back(std::move(event)); }

void Publisher::pump() {
    while (!pending_.empty()) {
        shimproto::Event event = std::move(pending_.front());
        pending_.pop_front();
        // The binary's queue first while it has events: order matters.
        if (!ttrpc_address_.empty() && queue_.empty() && running_ < 0 && forward(event)) continue;
        if (binary_.empty()) continue;
        queue_.push_back(std::move(event));
        if (running_ < 0) start_next();
    }
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
    pump();
    while (running_ >= 0) {
        const pid_t pid = running_;
        reaped(pid, wait_for(pid));
    }
}

}  // namespace shim
