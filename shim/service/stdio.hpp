// A process's stdio from what containerd names for it:
// - fifo paths (the usual case): the fifos go straight to the container (no
//   copy loop, no pipe, no thread: zero bytes pass through the shim). The
//   shim keeps a reader of its own on stdout and stderr so the container's
//   writes never fail with EPIPE while containerd is away (restarted), as
//   containerd's runc shim does;
// - file:///path: stdout and stderr appended to that file;
// - binary:///path?key=value: containerd's logging-binary protocol: the
//   binary gets stdout and stderr as pipes on fds 3 and 4, fd 5 to close
//   (or write to) when it is ready, and CONTAINER_ID / CONTAINER_NAMESPACE
//   as its only environment; each query pair becomes two arguments.
#pragma once

#include <string>

#include "common/unique_fd.hpp"

namespace shim {

struct ProcessIo {
    common::UniqueFd in, out, err;        // for the runtime, closed after create/exec
    common::UniqueFd keep_out, keep_err;  // the shim's fifo readers, held until delete
    void close_child_ends() {
        in.reset();
        out.reset();
        err.reset();
    }
};

struct LogContext {
    std::string id, ns;
};

// Empty paths give /dev/null to the process.
ProcessIo open_process_io(const std::string& stdin_path, const std::string& stdout_uri, const std::string& stderr_uri,
                          const LogContext& context);

}  // namespace shim
