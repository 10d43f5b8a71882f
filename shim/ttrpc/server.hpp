// The ttrpc server side: accepts connections on the shim's socket, decodes
// frames and requests, hands each request to the dispatcher with a
// Responder, and answers protocol errors itself as ttrpc does (oversized
// frame: ResourceExhausted; even stream id or undecodable request:
// InvalidArgument; frames of other types: ignored). A Responder may answer
// later (Wait answers when the process exits); requests on one connection
// may be answered out of order, as ttrpc streams allow.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/unique_fd.hpp"
#include "shim/ttrpc/event_loop.hpp"
#include "shim/ttrpc/frame.hpp"
#include "shim/ttrpc/messages.hpp"

namespace ttrpc {

class Server;

class Responder {
public:
    Responder(Server* server, uint64_t connection, uint32_t stream) : server_(server), connection_(connection), stream_(stream) {}
    void ok(std::string payload) const;
    void error(Code code, std::string message) const;

private:
    Server* server_;
    uint64_t connection_;
    uint32_t stream_;
};

class Server {
public:
    using Dispatcher = std::function<void(const Request&, const Responder&)>;

    Server(EventLoop& loop, common::UniqueFd listener, Dispatcher dispatcher);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Sends a response if the connection is still open.
    void respond(uint64_t connection, uint32_t stream, const Response& response);
    size_t connections() const { return connections_.size(); }

private:
    struct Connection {
        common::UniqueFd fd;
        FrameDecoder decoder;
    };
    void accept_ready();
    void read_ready(uint64_t id);
    void handle_frame(uint64_t id, DecodedFrame&& frame);
    void close_connection(uint64_t id);

    EventLoop& loop_;
    common::UniqueFd listener_;
    Dispatcher dispatcher_;
    std::map<uint64_t, Connection> connections_;
    uint64_t next_id_ = 1;
};

}  // namespace ttrpc
