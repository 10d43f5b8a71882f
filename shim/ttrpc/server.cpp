#include "shim/ttrpc/server.hpp"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "shim/proto/wire.hpp"

namespace ttrpc {

void Responder::ok(std::string payload) const { server_->respond(connection_, stream_, {{}, std::move(payload)}); }

void Responder::error(Code code, std::string message) const {
    server_->respond(connection_, stream_, {{code, std::move(message)}, {}});
}

Server::Server(EventLoop& loop, common::UniqueFd listener, Dispatcher dispatcher)
    : loop_(loop), listener_(std::move(listener)), dispatcher_(std::move(dispatcher)) {
    loop_.add(listener_.get(), EPOLLIN, [this](uint32_t) { accept_ready(); });
}

Server::~Server() {
    for (auto& [id, connection] : connections_) loop_.remove(connection.fd.get());
    loop_.remove(listener_.get());
}

void Server::accept_ready() {
    common::UniqueFd fd(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) {
        spdlog::warn("ttrpc: accept: {}", strerror(errno));
        return;
    }
    const uint64_t id = next_id_++;
    const int raw = fd.get();
    connections_.emplace(id, Connection{std::move(fd), FrameDecoder()});
    loop_.add(raw, EPOLLIN | EPOLLRDHUP, [this, id](uint32_t) { read_ready(id); });
}

void Server::read_ready(uint64_t id) {
    char buffer[16384];
    for (;;) {
        auto it = connections_.find(id);
        if (it == connections_.end()) return;
        const ssize_t n = read(it->second.fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) {
            close_connection(id);
            return;
        }
        it->second.decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
        while (true) {
            auto conn = connections_.find(id);
            if (conn == connections_.end()) return;
            auto frame = conn->second.decoder.next();
            if (!frame) break;
            handle_frame(id, std::move(*frame));
        }
    }
}

void Server::handle_frame(uint64_t id, DecodedFrame&& frame) {
    const uint32_t stream = frame.header.stream_id;
    if (frame.oversized) {
        respond(id, stream, {{Code::ResourceExhausted, "message length " + std::to_string(frame.header.length) +
                                                           " exceeds the maximum of " + std::to_string(kMaxMessageLength)},
                             {}});
        return;
    }
    // Future message types (streams, data) are ignored, as ttrpc does.
    if (frame.header.type != static_cast<uint8_t>(MessageType::Request)) return;
    if (stream % 2 != 1) {
        respond(id, stream, {{Code::InvalidArgument, "stream id must be odd for client-initiated streams"}, {}});
        return;
    }
    Request request;
    try {
        request = decode_request(frame.payload);
    } catch (const shimproto::DecodeError& e) {
        respond(id, stream, {{Code::InvalidArgument, std::string("unmarshal request: ") + e.what()}, {}});
        return;
    }
    dispatcher_(request, Responder(this, id, stream));
}

void Server::respond(uint64_t id, uint32_t stream, const Response& response) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    const std::string frame = encode_frame(stream, MessageType::Response, encode(response));
    const int fd = it->second.fd.get();
    size_t done = 0;
    while (done < frame.size()) {
        const ssize_t n = send(fd, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        // A peer that does not read for a second is dropped, so one stuck
        // client cannot stall the loop that serves every container.
        pollfd pfd{fd, POLLOUT, 0};
        if (n < 0 && errno == EAGAIN && poll(&pfd, 1, 1000) == 1) continue;
        spdlog::warn("ttrpc: dropping a connection that does not take its response: {}", strerror(errno));
        close_connection(id);
        return;
    }
}

void Server::close_connection(uint64_t id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    loop_.remove(it->second.fd.get());
    connections_.erase(it);
}

}  // namespace ttrpc
