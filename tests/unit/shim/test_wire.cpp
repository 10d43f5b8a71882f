// The protobuf wire format against bytes worked out by hand from the
// encoding rules (varints little-endian base 128, key = field << 3 | type).
#include <doctest/doctest.h>

#include <string>

#include "shim/proto/wire.hpp"

using namespace shimproto;

static std::string bytes(std::initializer_list<int> list) {
    std::string out;
    for (int b : list) out.push_back(static_cast<char>(b));
    return out;
}

TEST_CASE("varints: one byte, several bytes, the 64-bit maximum") {
    Writer w;
    w.varint_field(1, 1);
    w.varint_field(2, 300);
    w.varint_field(3, UINT64_MAX);
    CHECK(w.data() == bytes({0x08, 0x01, 0x10, 0xac, 0x02, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
    Reader r(w.data());
    Field f;
    REQUIRE(r.next(f));
    CHECK(f.number == 1);
    CHECK(f.varint == 1);
    REQUIRE(r.next(f));
    CHECK(f.varint == 300);
    REQUIRE(r.next(f));
    CHECK(f.varint == UINT64_MAX);
    CHECK_FALSE(r.next(f));
}

TEST_CASE("proto3 defaults are not written, embedded messages are even when empty") {
    Writer w;
    w.varint_field(1, 0);
    w.bool_field(2, false);
    w.bytes_field(3, "");
    CHECK(w.data().empty());
    w.message_field(4, "");
    CHECK(w.data() == bytes({0x22, 0x00}));
}

TEST_CASE("length-delimited fields and a field number above 15") {
    Writer w;
    w.bytes_field(1, "abc");
    w.bytes_field(16, "x");
    CHECK(w.data() == bytes({0x0a, 0x03, 'a', 'b', 'c', 0x82, 0x01, 0x01, 'x'}));
    Reader r(w.data());
    Field f;
    REQUIRE(r.next(f));
    CHECK(Reader::as_string(f) == "abc");
    REQUIRE(r.next(f));
    CHECK(f.number == 16);
    CHECK(Reader::as_string(f) == "x");
}

TEST_CASE("fixed-width fields are skipped whole") {
    const std::string data = bytes({0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 1, 2, 3, 4, 0x18, 0x05});
    Reader r(data);
    Field f;
    REQUIRE(r.next(f));
    CHECK(f.type == WireType::Fixed64);
    REQUIRE(r.next(f));
    CHECK(f.type == WireType::Fixed32);
    REQUIRE(r.next(f));
    CHECK(f.number == 3);
    CHECK(f.varint == 5);
}

TEST_CASE("malformed input throws DecodeError, never reads past the end") {
    Field f;
    auto fails = [&](const std::string& data) {
        Reader r(data);
        CHECK_THROWS_AS(while (r.next(f)) {}, DecodeError);
    };
    fails(bytes({0x08}));                         // varint missing
    fails(bytes({0x08, 0x80}));                   // truncated varint
    fails(bytes({0x0a, 0x05, 'a'}));              // length past the end
    fails(bytes({0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f}));  // huge length
    fails(bytes({0x09, 1, 2}));                   // truncated fixed64
    fails(bytes({0x0b}));                         // group start (wire type 3)
    fails(bytes({0x0e, 0x00}));                   // wire type 6
    fails(bytes({0x00, 0x00}));                   // field number 0
    fails(std::string(11, '\xff') + '\x01');      // varint over 10 bytes
}

TEST_CASE("a field of the wrong wire type is an error, not a misread") {
    const std::string varint = bytes({0x08, 0x01});
    Reader r(varint);
    Field f;
    REQUIRE(r.next(f));
    CHECK_THROWS_AS(Reader::as_string(f), DecodeError);
    const std::string empty_bytes = bytes({0x0a, 0x00});
    Reader r2(empty_bytes);
    REQUIRE(r2.next(f));
    CHECK_THROWS_AS(Reader::as_uint32(f), DecodeError);
}
