// A runtime call with a deadline. The daemon is one thread: a crun-lite
// that hangs (a stuck cgroup freeze, a hook that never returns) would stall
// every container of the shim and containerd's calls behind it. Past the
// bound the child is SIGKILLed and reaped, and the request gets an error.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "common/error.hpp"

namespace shim {

// The runtime did not finish within its bound (and was killed).
class RuntimeTimeout : public common::Error {
public:
    using common::Error::Error;
};

using Deadline = std::chrono::steady_clock::time_point;

// Reads fd to EOF, until the deadline at most; false when the deadline
// came first (what was read so far stays in out).
bool read_until(int fd, Deadline deadline, std::string& out);
// Waits for that one child until the deadline; past it, SIGKILLs and reaps
// it and throws RuntimeTimeout naming `what`. Returns the raw wait status.
int wait_until(pid_t pid, Deadline deadline, const std::string& what);
// The bound on one runtime call: CRUNLITE_SHIM_RUNTIME_TIMEOUT_MS from the
// shim's environment (containerd's, passed on), else 30 s.
std::chrono::milliseconds runtime_call_bound();

}  // namespace shim
