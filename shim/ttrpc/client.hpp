// A ttrpc client for one call at a time: enough for the shim's own calls
// to containerd (events Forward), with a deadline on every socket
// operation so a stuck containerd cannot hang the shim's loop. A call is
// either blocking (call) or split (send, then receive once fd() is
// readable), so the daemon's loop keeps serving while containerd answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/unique_fd.hpp"
#include "shim/ttrpc/frame.hpp"
#include "shim/ttrpc/messages.hpp"

namespace ttrpc {

class Client {
public:
    // Throws common::Error when the socket cannot be reached.
    Client(const std::string& path, int timeout_ms);
    // Throws common::Error on a broken connection; a ttrpc error status
    // comes back in the Response.
    Response call(const std::string& service, const std::string& method, const std::string& payload,
                  const std::vector<std::pair<std::string, std::string>>& metadata = {});
    // The two halves of call: send returns the request's stream; receive
    // reads what the socket holds (blocking only if `block`) and returns
    // that stream's response once it is complete.
    uint32_t send(const std::string& service, const std::string& method, const std::string& payload,
                  const std::vector<std::pair<std::string, std::string>>& metadata = {});
    std::optional<Response> receive(uint32_t stream, bool block);
    int fd() const { return fd_.get(); }

private:
    common::UniqueFd fd_;
    FrameDecoder decoder_;
    uint32_t next_stream_ = 1;  // client streams are odd
};

}  // namespace ttrpc
