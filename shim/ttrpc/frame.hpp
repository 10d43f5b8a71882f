// ttrpc framing (containerd/ttrpc): every message is a 10-byte header —
// payload length (u32, big endian), stream id (u32, big endian), type (u8:
// 1 request, 2 response), flags (u8) — then the payload, at most 4 MiB.
// The decoder is incremental (bytes arrive as the socket gives them) and
// never buffers more than one frame: a longer frame is skipped byte by byte
// and reported, so the server can answer ResourceExhausted as ttrpc does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ttrpc {

inline constexpr size_t kHeaderSize = 10;
inline constexpr uint32_t kMaxMessageLength = 4u << 20;

enum class MessageType : uint8_t { Request = 1, Response = 2 };

struct FrameHeader {
    uint32_t length = 0;
    uint32_t stream_id = 0;
    uint8_t type = 0;
    uint8_t flags = 0;
};

std::string encode_header(const FrameHeader& header);
FrameHeader decode_header(std::string_view bytes);  // needs kHeaderSize bytes

// A whole frame, or the header of one that was too long and was skipped.
struct DecodedFrame {
    FrameHeader header;
    std::string payload;
    bool oversized = false;
};

class FrameDecoder {
public:
    explicit FrameDecoder(uint32_t max_length = kMaxMessageLength) : max_length_(max_length) {}
    void feed(std::string_view bytes);
    std::optional<DecodedFrame> next();
    // Bytes of an unfinished frame (a peer that closes mid-frame).
    bool partial() const { return !buffer_.empty() || skip_ > 0; }

private:
    uint32_t max_length_;
    std::string buffer_;
    uint64_t skip_ = 0;  // bytes of an oversized payload still to discard
    std::optional<FrameHeader> skipped_;
};

std::string encode_frame(uint32_t stream_id, MessageType type, std::string_view payload);

}  // namespace ttrpc
