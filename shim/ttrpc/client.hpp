// A blocking ttrpc client for one call at a time: enough for the shim's
// own calls to containerd (events Forward), with a deadline on every
// socket operation so a stuck containerd cannot hang the shim's loop.
#pragma once

#include <cstdint>
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

private:
    common::UniqueFd fd_;
    FrameDecoder decoder_;
    uint32_t next_stream_ = 1;  // client streams are odd
};

}  // namespace ttrpc
