#include "shim/service/publisher.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/file.hpp"
#include "shim/service/spawn.hpp"

namespace shim {

Publisher::~Publisher() { drop_client(); }

void Publisher::attach(ttrpc::EventLoop& loop) { loop_ = &loop; }

void Publisher::drop_client() {
    if (client_ && loop_) loop_->remove(client_->fd());
    client_.reset();
}

bool Publisher::send_forward(const shimproto::Event& event) {
    const std::string request = shimproto::encode_forward_request(event, namespace_, shimproto::timestamp_now());
    // A kept connection can have died with a containerd restart: one retry
    // on a fresh one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (!client_) {
                const std::string& a = ttrpc_address_;
                client_.emplace(a.rfind("unix://", 0) == 0 ? a.substr(7) : a, 2000);
                if (loop_)
                    loop_->add(client_->fd(), EPOLLIN, [this](uint32_t) {
                        // Unasked, only a close (containerd restarted) comes.
                        if (in_flight_) receive_answer(false);
                        else drop_client();
                    });
            }
            stream_ = client_->send(shimproto::kEventsService, "Forward", request,
                                    {{"containerd-namespace-ttrpc", namespace_}});
            in_flight_ = event;
            return true;
        } catch (const common::Error& e) {
            // The first failure is usually a connection containerd closed.
            if (attempt == 0) spdlog::debug("forward {}: {}", event.topic, e.what());
            else spdlog::warn("forward {}: {}", event.topic, e.what());
            drop_client();
        }
    }
    return false;
}

void Publisher::receive_answer(bool block) {
    std::optional<ttrpc::Response> response;
    try {
        response = client_->receive(stream_, block);
        if (!response) return;
    } catch (const common::Error& e) {
        // The connection died with the event in flight: once more on a
        // fresh one (containerd may have had it: a rare duplicate rather
        // than a lost TaskExit), then the publish binary.
        shimproto::Event event = std::move(*in_flight_);
        in_flight_.reset();
        drop_client();
        if (!resent_) {
            spdlog::debug("forward {}: {}", event.topic, e.what());
            if (send_forward(event)) {
                resent_ = true;
                if (!loop_) receive_answer(true);
                return;
            }
        } else {
            spdlog::warn("forward {}: {}", event.topic, e.what());
        }
        resent_ = false;
        if (!binary_.empty()) queue_.push_front(std::move(event));
        return;
    }
    shimproto::Event event = std::move(*in_flight_);
    in_flight_.reset();
    resent_ = false;
    if (response->status.code == ttrpc::Code::Ok) return;
    spdlog::warn("forward {}: {}", event.topic, response->status.message);
    if (response->status.code == ttrpc::Code::Unimplemented) {
        // A containerd without Forward: this event and the rest by the binary.
        ttrpc_address_.clear();
        drop_client();
        if (!binary_.empty()) queue_.push_front(std::move(event));
    }
}

void Publisher::publish(shimproto::Event event) { pending_.push_back(std::move(event)); }

void Publisher::pump() {
    while (!in_flight_ && !pending_.empty()) {
        shimproto::Event event = std::move(pending_.front());
        pending_.pop_front();
        // The binary's queue first while it has events: order matters.
        if (!ttrpc_address_.empty() && queue_.empty() && running_ < 0 && send_forward(event)) {
            if (!loop_) receive_answer(true);
            continue;
        }
        if (binary_.empty()) continue;
        queue_.push_back(std::move(event));
    }
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
    for (;;) {
        if (in_flight_) receive_answer(true);  // bounded by the socket's 2 s timeouts
        else if (!pending_.empty()) pump();
        else break;
    }
    if (running_ < 0) start_next();
    while (running_ >= 0) {
        const pid_t pid = running_;
        reaped(pid, wait_for(pid));
    }
}

}  // namespace shim
