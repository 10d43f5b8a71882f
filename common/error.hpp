// The project's one error type: a message that names what failed and where,
// plus the errno that caused it (0 when the failure is not a syscall's).
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

namespace common {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, int err = 0)
        : std::runtime_error(message), errno_(err) {}
    int code() const noexcept { return errno_; }

private:
    int errno_;
};

// "what: strerror(err)", e.g. "open /proc/self/fd: Permission denied".
std::string errno_message(const std::string& what, int err);

// Throws Error(what + errno text) using the current errno.
[[noreturn]] void throw_errno(const std::string& what);
[[noreturn]] void throw_errno(const std::string& what, int err);

}  // namespace common
