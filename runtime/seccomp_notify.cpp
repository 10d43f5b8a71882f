// The runtime's side of SCMP_ACT_NOTIFY: the container process state and
// the listener fd, sent once to the agent at listenerPath.
#include <sys/socket.h>
#include <sys/un.h>

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

void send_seccomp_listener(const oci::Seccomp& s, int listener, pid_t pid, const std::string& state_json) {
    const std::string where = "linux.seccomp.listenerPath " + s.listenerPath;
    common::UniqueFd sock = connect_unix(s.listenerPath, where);
    // The fd travels with the first chunk of the state, as the spec asks.
    send_with_fd(sock.get(), process_state_json(s, pid, state_json), listener, where + ": send the seccomp state");
}

}  // namespace runtime
