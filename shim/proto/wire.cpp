#include "shim/proto/wire.hpp"

namespace shimproto {

void Writer::raw_varint(uint64_t value) {
    while (value >= 0x80) {
        out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
}

void Writer::tag(uint32_t field, WireType type) {
    raw_varint((static_cast<uint64_t>(field) << 3) | static_cast<uint8_t>(type));
}

void Writer::varint_field(uint32_t field, uint64_t value) {
    if (value == 0) return;
    tag(field, WireType::Varint);
    raw_varint(value);
}

void Writer::bytes_field(uint32_t field, std::string_view value) {
    if (value.empty()) return;
    message_field(field, value);
}

void Writer::packed_varints_field(uint32_t field, const std::vector<uint64_t>& values) {
    if (values.empty()) return;
    Writer run;
    for (uint64_t v : values) run.raw_varint(v);
    message_field(field, run.out_);
}

void Writer::message_field(uint32_t field, std::string_view encoded) {
    tag(field, WireType::Bytes);
    raw_varint(encoded.size());
    out_.append(encoded);
}

uint64_t Reader::read_varint() {
    uint64_t value = 0;
    // At most 10 bytes encode 64 bits; an 11th continuation byte is garbage.
    for (int shift = 0; shift < 70; shift += 7) {
        if (pos_ >= data_.size()) throw DecodeError("protobuf: truncated varint");
        const auto byte = static_cast<uint8_t>(data_[pos_++]);
        value |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return value;
    }
    throw DecodeError("protobuf: varint longer than 10 bytes");
}

bool Reader::next(Field& field) {
    if (pos_ >= data_.size()) return false;
    const uint64_t key = read_varint();
    const uint64_t number = key >> 3;
    if (number == 0 || number > 0x1fffffff) throw DecodeError("protobuf: invalid field number " + std::to_string(number));
    field.number = static_cast<uint32_t>(number);
    field.varint = 0;
    field.bytes = {};
    switch (key & 7) {
    case 0:
        field.type = WireType::Varint;
        field.varint = read_varint();
        return true;
    case 1:
    case 5: {
        const size_t width = (key & 7) == 1 ? 8 : 4;
        if (data_.size() - pos_ < width) throw DecodeError("protobuf: truncated fixed-width field " + std::to_string(number));
        field.type = width == 8 ? WireType::Fixed64 : WireType::Fixed32;
        field.bytes = data_.substr(pos_, width);
        pos_ += width;
        return true;
    }
    case 2: {
        const uint64_t length = read_varint();
        if (length > data_.size() - pos_) throw DecodeError("protobuf: field " + std::to_string(number) + " length past the end");
        field.type = WireType::Bytes;
        field.bytes = data_.substr(pos_, length);
        pos_ += length;
        return true;
    }
    default:
        // Groups (3, 4) are proto2 only; 6 and 7 are not wire types.
        throw DecodeError("protobuf: unsupported wire type " + std::to_string(key & 7) + " in field " + std::to_string(number));
    }
}

uint32_t Reader::as_uint32(const Field& field) {
    if (field.type != WireType::Varint) throw DecodeError("protobuf: field " + std::to_string(field.number) + " must be a varint");
    return static_cast<uint32_t>(field.varint);  // proto3 truncates as Go does
}

bool Reader::as_bool(const Field& field) { return as_uint32(field) != 0; }

std::string Reader::as_string(const Field& field) {
    if (field.type != WireType::Bytes) throw DecodeError("protobuf: field " + std::to_string(field.number) + " must be length-delimited");
    return std::string(field.bytes);
}

}  // namespace shimproto
