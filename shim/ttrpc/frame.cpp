#include "shim/ttrpc/frame.hpp"

namespace ttrpc {
namespace {

void put_u32(std::string& out, uint32_t v) {
    out.push_back(static_cast<char>(v >> 24));
    out.push_back(static_cast<char>(v >> 16));
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v));
}

uint32_t get_u32(std::string_view b) {
    return (static_cast<uint32_t>(static_cast<uint8_t>(b[0])) << 24) |
           (static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 16) |
           (static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 8) | static_cast<uint8_t>(b[3]);
}

}  // namespace

std::string encode_header(const FrameHeader& header) {
    std::string out;
    out.reserve(kHeaderSize);
    put_u32(out, header.length);
    put_u32(out, header.stream_id);
    out.push_back(static_cast<char>(header.type));
    out.push_back(static_cast<char>(header.flags));
    return out;
}

FrameHeader decode_header(std::string_view bytes) {
    return {get_u32(bytes.substr(0, 4)), get_u32(bytes.substr(4, 4)), static_cast<uint8_t>(bytes[8]),
            static_cast<uint8_t>(bytes[9])};
}

void FrameDecoder::feed(std::string_view bytes) {
    if (skip_ > 0) {
        const uint64_t dropped = std::min<uint64_t>(skip_, bytes.size());
        skip_ -= dropped;
        bytes.remove_prefix(dropped);
    }
    buffer_.append(bytes);
}

std::optional<DecodedFrame> FrameDecoder::next() {
    if (skipped_ && skip_ == 0) {
        DecodedFrame frame{*skipped_, {}, true};
        skipped_.reset();
        return frame;
    }
    if (skip_ > 0 || buffer_.size() < kHeaderSize) return std::nullopt;
    const FrameHeader header = decode_header(buffer_);
    if (header.length > max_length_) {
        // Discard what is buffered of it now, the rest as it arrives.
        const uint64_t buffered = buffer_.size() - kHeaderSize;
        const uint64_t dropped = std::min<uint64_t>(buffered, header.length);
        std::string rest = buffer_.substr(kHeaderSize + dropped);
        skip_ = header.length - dropped;
        skipped_ = header;
        buffer_ = std::move(rest);
        return next();
    }
    if (buffer_.size() - kHeaderSize < header.length) return std::nullopt;
    DecodedFrame frame{header, buffer_.substr(kHeaderSize, header.length), false};
    buffer_.erase(0, kHeaderSize + header.length);
    return frame;
}

std::string encode_frame(uint32_t stream_id, MessageType type, std::string_view payload) {
    std::string out = encode_header({static_cast<uint32_t>(payload.size()), stream_id, static_cast<uint8_t>(type), 0});
    out.append(payload);
    return out;
}

}  // namespace ttrpc
