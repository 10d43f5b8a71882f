// Events to containerd through the publish binary it names
// (-publish-binary): `<binary> --address <containerd address> publish
// --topic <topic> --namespace <ns>` with the event's protobuf Any on stdin.
// One publisher process at a time, in order, so containerd sees TaskExit
// before TaskDelete; the daemon's loop keeps running meanwhile (the
// process is reaped by the shim's SIGCHLD handling like any other child).
#pragma once

#include <sys/types.h>

#include <deque>
#include <string>

#include "shim/proto/events.hpp"

namespace shim {

class Publisher {
public:
    Publisher(std::string binary, std::string address, std::string ns)
        : binary_(std::move(binary)), address_(std::move(address)), namespace_(std::move(ns)) {}

    void publish(shimproto::Event event);
    // True when pid was the running publisher (then the next one starts).
    bool reaped(pid_t pid, int wait_status);
    // Publishes everything still queued, waiting for each (at exit).
    void flush();

private:
    pid_t launch(const shimproto::Event& event);
    void start_next();

    std::string binary_, address_, namespace_;
    std::deque<shimproto::Event> queue_;
    pid_t running_ = -1;
};

}  // namespace shim
