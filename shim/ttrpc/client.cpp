#include "shim/ttrpc/client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace ttrpc {

Client::Client(const std::string& path, int timeout_ms) : fd_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (!fd_) common::throw_errno("socket");
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw common::Error("ttrpc: socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (connect(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) common::throw_errno("ttrpc: connect " + path);
}

Response Client::call(const std::string& service, const std::string& method, const std::string& payload,
                      const std::vector<std::pair<std::string, std::string>>& metadata) {
    const uint32_t stream = send(service, method, payload, metadata);
    for (;;)
        if (auto response = receive(stream, true)) return std::move(*response);
}

uint32_t Client::send(const std::string& service, const std::string& method, const std::string& payload,
                      const std::vector<std::pair<std::string, std::string>>& metadata) {
    const uint32_t stream = next_stream_;
    next_stream_ += 2;
    const std::string frame = encode_frame(stream, MessageType::Request, encode(Request{service, method, payload, 0, metadata}));
    for (size_t done = 0; done < frame.size();) {
        const ssize_t n = ::send(fd_.get(), frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) common::throw_errno("ttrpc: send " + method);
        done += static_cast<size_t>(n);
    }
    return stream;
}

std::optional<Response> Client::receive(uint32_t stream, bool block) {
    for (;;) {
        while (auto reply = decoder_.next()) {
            if (reply->header.stream_id == stream && reply->header.type == static_cast<uint8_t>(MessageType::Response))
                return decode_response(reply->payload);
        }
        char buffer[4096];
        const ssize_t n = recv(fd_.get(), buffer, sizeof buffer, block ? 0 : MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && !block && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::nullopt;
        if (n < 0) common::throw_errno("ttrpc: receive");
        if (n == 0) throw common::Error("ttrpc: receive: connection closed");
        decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
    }
}

}  // namespace ttrpc
