// The runtime's side of SCMP_ACT_NOTIFY: the container process state and
// the listener fd, sent once to the agent at listenerPath.
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
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
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (s.listenerPath.size() >= sizeof addr.sun_path) throw common::Error(where + ": path too long for a socket");
    std::memcpy(addr.sun_path, s.listenerPath.c_str(), s.listenerPath.size() + 1);

    common::UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) common::throw_errno(where + ": socket");
    while (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        if (errno != EINTR) common::throw_errno(where + ": connect");
    }

    const std::string payload = process_state_json(s, pid, state_json);
    size_t sent = 0;
    while (sent < payload.size()) {
        iovec iov{const_cast<char*>(payload.data() + sent), payload.size() - sent};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        if (sent == 0) {
            // The fd travels with the first chunk only, as the spec asks.
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &listener, sizeof(int));
        }
        ssize_t n = ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            common::throw_errno(where + ": send the seccomp state");
        }
        sent += static_cast<size_t>(n);
    }
}

}  // namespace runtime
