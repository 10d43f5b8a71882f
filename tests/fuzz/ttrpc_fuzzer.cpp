// libFuzzer entry for the shim's protocol layer: the bytes are a ttrpc
// stream from a client, fed to the frame decoder in pieces whose sizes the
// input's first byte picks; each frame's payload goes through the request
// decoder and every task message decoder. Refusing input (DecodeError) is
// the expected outcome; a crash, a sanitizer report, another exception or
// a frame longer than the limit is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shim/proto/task_messages.hpp"
#include "shim/proto/wire.hpp"
#include "shim/ttrpc/frame.hpp"
#include "shim/ttrpc/messages.hpp"

namespace {

template <typename F>
void refuse_quietly(F&& decode) {
    try {
        decode();
    } catch (const shimproto::DecodeError&) {
    }
}

void decode_payload(std::string_view payload) {
    refuse_quietly([&] {
        const ttrpc::Request request = ttrpc::decode_request(payload);
        const std::string_view inner = request.payload;
        refuse_quietly([&] { shimproto::decode_create(inner); });
        refuse_quietly([&] { shimproto::decode_task_ref(inner); });
        refuse_quietly([&] { shimproto::decode_kill(inner); });
        refuse_quietly([&] { shimproto::decode_exec(inner); });
        refuse_quietly([&] { shimproto::decode_resize(inner); });
        refuse_quietly([&] { shimproto::decode_close_io(inner); });
        refuse_quietly([&] { shimproto::decode_update(inner); });
        refuse_quietly([&] { shimproto::decode_shutdown(inner); });
    });
    refuse_quietly([&] { ttrpc::decode_response(payload); });
    refuse_quietly([&] { shimproto::decode_create(payload); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const size_t chunk = 1 + data[0] % 64;
    std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    // A small limit, so oversized frames are reachable with small inputs.
    ttrpc::FrameDecoder decoder(256);
    while (!stream.empty()) {
        const size_t n = std::min(chunk, stream.size());
        decoder.feed(stream.substr(0, n));
        stream.remove_prefix(n);
        while (auto frame = decoder.next()) {
            if (!frame->oversized && frame->payload.size() > 256) std::abort();
            if (!frame->oversized) decode_payload(frame->payload);
        }
    }
    return 0;
}
