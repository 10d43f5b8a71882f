// The ttrpc server on a real unix socket: requests dispatched, answers out
// of order, and the protocol errors ttrpc gives (unknown service, bad
// request bytes, even stream ids, oversized frames) without dropping the
// connection.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "shim/cli/socket.hpp"
#include "shim/proto/wire.hpp"
#include "shim/ttrpc/server.hpp"

using namespace ttrpc;

namespace {

class Client {
public:
    explicit Client(const std::string& path) : fd_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, path.c_str());
        REQUIRE(connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    void send_raw(const std::string& bytes) { REQUIRE(write(fd_.get(), bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size())); }
    void call(uint32_t stream, const std::string& service, const std::string& method, const std::string& payload = {}) {
        send_raw(encode_frame(stream, MessageType::Request, encode(Request{service, method, payload})));
    }
    std::pair<uint32_t, Response> receive() {
        for (;;) {
            if (auto frame = decoder_.next()) return {frame->header.stream_id, decode_response(frame->payload)};
            char buffer[4096];
            const ssize_t n = read(fd_.get(), buffer, sizeof buffer);
            REQUIRE(n > 0);
            decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
        }
    }

private:
    common::UniqueFd fd_;
    FrameDecoder decoder_;
};

}  // namespace

TEST_CASE("ttrpc server: dispatch, deferred answers and protocol errors") {
    char dir[] = "/tmp/shim-test.XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string path = std::string(dir) + "/s";
    EventLoop loop;
    std::optional<Responder> parked;
    Server server(loop, shim::listen_unix(path), [&](const Request& request, const Responder& responder) {
        if (request.service != "test.Svc") return responder.error(Code::Unimplemented, "service " + request.service);
        if (request.method == "Echo") return responder.ok(request.payload);
        if (request.method == "Park") return parked.emplace(responder), void();
        if (request.method == "Release") {
            parked->ok("released");
            return responder.ok({});
        }
        if (request.method == "Stop") {
            responder.ok({});
            return loop.stop();
        }
        responder.error(Code::Unimplemented, "method " + request.method);
    });
    std::thread serving([&] { loop.run(); });

    Client client(path);
    client.call(1, "test.Svc", "Echo", "hi");
    auto [stream, response] = client.receive();
    CHECK(stream == 1);
    CHECK(response.status.code == Code::Ok);
    CHECK(response.payload == "hi");

    client.call(3, "no.Such", "Echo");
    auto answer = client.receive();
    CHECK(answer.first == 3);
    CHECK(answer.second.status.code == Code::Unimplemented);
    CHECK(answer.second.status.message == "service no.Such");

    client.call(5, "test.Svc", "Nope");
    CHECK(client.receive().second.status.message == "method Nope");

    // A parked request is answered after a later one: streams are independent.
    client.call(7, "test.Svc", "Park");
    client.call(9, "test.Svc", "Release");
    CHECK(client.receive().first == 7);
    CHECK(client.receive().first == 9);

    client.send_raw(encode_frame(11, MessageType::Request, "\x0a\x7f"));  // length past the end
    answer = client.receive();
    CHECK(answer.first == 11);
    CHECK(answer.second.status.code == Code::InvalidArgument);

    client.call(12, "test.Svc", "Echo");  // even: server-initiated ids only
    CHECK(client.receive().second.status.code == Code::InvalidArgument);

    client.send_raw(encode_header({kMaxMessageLength + 1, 13, 1, 0}));
    client.send_raw(std::string(kMaxMessageLength + 1, 'x'));
    answer = client.receive();
    CHECK(answer.first == 13);
    CHECK(answer.second.status.code == Code::ResourceExhausted);

    client.send_raw(encode_frame(15, MessageType::Response, "ignored"));  // not a request: ignored
    client.call(17, "test.Svc", "Echo", "still here");
    answer = client.receive();
    CHECK(answer.first == 17);
    CHECK(answer.second.payload == "still here");

    client.call(19, "test.Svc", "Stop");
    client.receive();
    serving.join();
    unlink(path.c_str());
    rmdir(dir);
}
