// The protobuf wire format (proto3), by hand: varints, length-delimited
// fields and fixed64/fixed32 skipping. The shim speaks only a dozen small
// messages, so a writer and a field-by-field reader replace a protobuf
// library and its generated code (libprotobuf alone would be megabytes of
// resident text in a process that should cost a few hundred KiB).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace shimproto {

// Malformed input: truncated varints, lengths past the end, bad wire types.
class DecodeError : public common::Error {
public:
    using common::Error::Error;
};

enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

// Appends fields to a byte string. Proto3 rule: default values (0, false,
// "") are not written, except where a field's presence matters (`always`).
class Writer {
public:
    void varint_field(uint32_t field, uint64_t value);
    void bool_field(uint32_t field, bool value) { varint_field(field, value ? 1 : 0); }
    void int64_field(uint32_t field, int64_t value) { varint_field(field, static_cast<uint64_t>(value)); }
    void bytes_field(uint32_t field, std::string_view value);
    // A repeated scalar, packed (proto3's default): one length-delimited run.
    void packed_varints_field(uint32_t field, const std::vector<uint64_t>& values);
    // An embedded message, written even when empty (a non-nullable field).
    void message_field(uint32_t field, std::string_view encoded);

    const std::string& data() const& { return out_; }
    std::string take() && { return std::move(out_); }

private:
    void tag(uint32_t field, WireType type);
    void raw_varint(uint64_t value);
    std::string out_;
};

// One decoded field: its number, wire type and value (varint or bytes).
struct Field {
    uint32_t number = 0;
    WireType type = WireType::Varint;
    uint64_t varint = 0;
    std::string_view bytes;
};

// Walks the fields of one message; unknown fields are the caller's to skip
// (proto3 forward compatibility), malformed bytes throw DecodeError.
class Reader {
public:
    explicit Reader(std::string_view data) : data_(data) {}
    // The reader keeps a view: a temporary string would dangle.
    explicit Reader(std::string&&) = delete;
    // False at the end of the message.
    bool next(Field& field);

    static uint32_t as_uint32(const Field& field);
    static bool as_bool(const Field& field);
    static std::string as_string(const Field& field);

private:
    uint64_t read_varint();
    std::string_view data_;
    size_t pos_ = 0;
};

}  // namespace shimproto
