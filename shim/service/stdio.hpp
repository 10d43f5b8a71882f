// A process's stdio from the fifos containerd names. The fifos go straight
// to the container (no copy loop, no pipe, no thread: zero bytes pass
// through the shim). The shim keeps a reader of its own on stdout and
// stderr so the container's writes never fail with EPIPE while containerd
// is away (restarted), as containerd's runc shim does.
#pragma once

#include <string>

#include "common/unique_fd.hpp"

namespace shim {

struct ProcessIo {
    common::UniqueFd in, out, err;           // for the runtime, closed after create/exec
    common::UniqueFd keep_out, keep_err;     // the shim's readers, held until delete
    void close_child_ends() {
        in.reset();
        out.reset();
        err.reset();
    }
};

// Empty paths give /dev/null to the process. Only plain fifo paths (and
// "fifo://" forms) are handled here; "binary://" and "file://" log URIs
// are refused with a clear error until they are implemented.
ProcessIo open_process_io(const std::string& stdin_path, const std::string& stdout_path, const std::string& stderr_path);

}  // namespace shim
