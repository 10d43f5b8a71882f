// The runtime's side of SCMP_ACT_NOTIFY: the container process state and
// the listener fd, sent once to the agent at listenerPath.
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <unistd.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/unix_socket.hpp"
#include "oci/version.hpp"
#include "runtime/seccomp.hpp"

namespace runtime {

namespace {

std::string process_state_json(const oci::Seccomp& s, pid_t pid, const std::string& state_json) {
    nlohmann::ordered_json msg;
    msg["ociVersion"] = oci::kSpecVersion;
    msg["fds"] = {"seccompFd"};
    msg["pid"] = pid;
    if (!s.listenerMetadata.empty()) msg["metadata"] = s.listenerMetadata;
    msg["state"] = nlohmann::ordered_json::parse(state_json);
    return msg.dump();
}

}  // namespace

void forward_seccomp_listener(const oci::Seccomp& s, pid_t pid, const std::string& fd_number,
                              const std::string& state_json) {
    int number = -1;
    try {
        number = std::stoi(fd_number);
    } catch (...) {
    }
    if (number < 0) throw common::Error("seccomp listener: bad fd number \"" + fd_number + "\" from the container");
    common::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) common::throw_errno("seccomp listener: pidfd_open " + std::to_string(pid));
    common::UniqueFd listener(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), number, 0)));
    if (!listener) common::throw_errno("seccomp listener: pidfd_getfd of fd " + fd_number + " of " + std::to_string(pid));
    const std::string where = "linux.seccomp.listenerPath " + s.listenerPath;
    common::UniqueFd sock = connect_unix(s.listenerPath, where);
    // The fd travels with the first chunk of the state, as the spec asks.
    send_with_fd(sock.get(), process_state_json(s, pid, state_json), listener.get(), where + ": send the seccomp state");
}

}  // namespace runtime
