// ttrpc framing: the 10-byte header, frames split across reads, several in
// one read, and oversized frames skipped without buffering them.
#include <doctest/doctest.h>

#include <string>

#include "shim/ttrpc/frame.hpp"
#include "shim/ttrpc/messages.hpp"

using namespace ttrpc;

TEST_CASE("header layout: length and stream id big endian, then type and flags") {
    const std::string h = encode_header({0x01020304, 0x0a0b0c0d, 2, 7});
    CHECK(h == std::string("\x01\x02\x03\x04\x0a\x0b\x0c\x0d\x02\x07", 10));
    const FrameHeader back = decode_header(h);
    CHECK(back.length == 0x01020304);
    CHECK(back.stream_id == 0x0a0b0c0d);
    CHECK(back.type == 2);
    CHECK(back.flags == 7);
}

TEST_CASE("a frame fed one byte at a time, then two frames in one feed") {
    const std::string one = encode_frame(1, MessageType::Request, "hello");
    const std::string two = encode_frame(3, MessageType::Request, "");
    FrameDecoder d;
    for (size_t i = 0; i + 1 < one.size(); ++i) {
        d.feed(one.substr(i, 1));
        CHECK_FALSE(d.next());
    }
    d.feed(one.substr(one.size() - 1) + two + one);
    auto f = d.next();
    REQUIRE(f);
    CHECK(f->header.stream_id == 1);
    CHECK(f->payload == "hello");
    f = d.next();
    REQUIRE(f);
    CHECK(f->header.stream_id == 3);
    CHECK(f->payload.empty());
    REQUIRE(d.next());
    CHECK_FALSE(d.next());
    CHECK_FALSE(d.partial());
}

TEST_CASE("an oversized frame is skipped as it arrives and reported once") {
    FrameDecoder d(16);
    d.feed(encode_header({100, 5, 1, 0}));
    d.feed(std::string(40, 'x'));
    CHECK_FALSE(d.next());  // reported when the whole payload is gone
    d.feed(std::string(60, 'y') + encode_frame(7, MessageType::Request, "ok"));
    auto f = d.next();
    REQUIRE(f);
    CHECK(f->oversized);
    CHECK(f->header.stream_id == 5);
    CHECK(f->payload.empty());
    f = d.next();
    REQUIRE(f);
    CHECK_FALSE(f->oversized);
    CHECK(f->payload == "ok");
}

TEST_CASE("the 4 GiB length a header can claim is skipped, not allocated") {
    FrameDecoder d;
    d.feed(encode_header({0xffffffffu, 1, 1, 0}) + std::string(1000, 'z'));
    CHECK_FALSE(d.next());
    CHECK(d.partial());
}

TEST_CASE("ttrpc request and response round trip") {
    Request req{"containerd.task.v2.Task", "State", std::string("\x0a\x01x", 3), 5000, {{"k", "v"}}};
    const Request back = decode_request(encode(req));
    CHECK(back.service == req.service);
    CHECK(back.method == req.method);
    CHECK(back.payload == req.payload);
    CHECK(back.timeout_nano == 5000);
    REQUIRE(back.metadata.size() == 1);
    CHECK(back.metadata[0].second == "v");

    const Response err{{Code::NotFound, "gone"}, {}};
    const Response decoded = decode_response(encode(err));
    CHECK(decoded.status.code == Code::NotFound);
    CHECK(decoded.status.message == "gone");
    const Response ok = decode_response(encode(Response{{}, "payload"}));
    CHECK(ok.status.code == Code::Ok);
    CHECK(ok.payload == "payload");
}
