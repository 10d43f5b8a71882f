// Events to containerd, in order (TaskExit before TaskDelete). First by
// the ttrpc socket containerd names in TTRPC_ADDRESS (events Forward, as
// containerd's own shims do): one local round trip on a kept connection.
// Else through the publish binary containerd names (-publish-binary):
// `<binary> --address <containerd address> publish --topic <topic>
// --namespace <ns>` with the event's protobuf Any on stdin, one process at
// a time, while the daemon's loop keeps running (the process is reaped by
// the shim's SIGCHLD handling like any other child). Spawning containerd's
// 40 MiB Go binary per event cost tens of milliseconds of CPU each, four
// times per container, on the machine's critical path.
#pragma once

#include <sys/types.h>

#include <deque>
#include <optional>
#include <string>

#include "shim/proto/events.hpp"
#include "shim/ttrpc/client.hpp"
#include "shim/ttrpc/event_loop.hpp"

namespace shim {

class Publisher {
public:
    Publisher(std::string binary, std::string address, std::string ns, std::string ttrpc_address)
        : binary_(std::move(binary)), address_(std::move(address)), namespace_(std::move(ns)),
          ttrpc_address_(std::move(ttrpc_address)) {}

    ~Publisher();
    // From then on Forward answers are read in the loop (without a loop,
    // as in the unit tests, each Forward waits for its answer).
    void attach(ttrpc::EventLoop& loop);
    // Queued; sent by pump(), which the daemon runs after each loop round,
    // so a request is answered before the events it caused are sent (a
    // busy containerd, say in garbage collection, no longer delays the
    // answer).
    void publish(shimproto::Event event);
    void pump();
    // True when pid was the running publisher (then the next one starts).
    bool reaped(pid_t pid, int wait_status);
    // Publishes everything still queued, waiting for each (at exit).
    void flush();

private:
    // Sends on the kept connection (one fresh reconnect on failure): the
    // event is in flight when true.
    bool send_forward(const shimproto::Event& event);
    // Reads the in-flight event's answer (waiting for it only if block).
    void receive_answer(bool block);
    void drop_client();
    pid_t launch(const shimproto::Event& event);
    void start_next();

    std::string binary_, address_, namespace_, ttrpc_address_;
    ttrpc::EventLoop* loop_ = nullptr;
    std::optional<ttrpc::Client> client_;
    std::optional<shimproto::Event> in_flight_;  // sent, answer not read yet
    uint32_t stream_ = 0;
    bool resent_ = false;  // in_flight_ is already a second try
    std::deque<shimproto::Event> pending_;  // not yet sent anywhere
    std::deque<shimproto::Event> queue_;    // for the publish binary
    pid_t running_ = -1;
};

}  // namespace shim
