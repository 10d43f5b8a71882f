// Unix sockets that carry a file descriptor: the console socket, the
// seccomp listener and the parent <-> child channel all send an fd this way.
#pragma once

#include <string>
#include <string_view>

#include "common/unique_fd.hpp"

namespace runtime {

// A stream socket connected to `path`; `what` names it in errors.
common::UniqueFd connect_unix(const std::string& path, const std::string& what);

// Sends all of `payload` on `sock`, with `fd` (if >= 0) attached to the first
// chunk as SCM_RIGHTS. Retries on EINTR and short writes.
void send_with_fd(int sock, std::string_view payload, int fd, const std::string& what);

}  // namespace runtime
