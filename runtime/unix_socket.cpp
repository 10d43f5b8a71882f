#include "runtime/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "common/error.hpp"

namespace runtime {

common::UniqueFd connect_unix(const std::string& path, const std::string& what) {
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw common::Error(what + ": path too long for a socket");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    common::UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) common::throw_errno(what + ": socket");
    while (::connect(sock.get(), reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) < 0) {
        if (errno != EINTR) common::throw_errno(what + ": connect");
    }
    return sock;
}

void send_with_fd(int sock, std::string_view payload, int fd, const std::string& what) {
    size_t sent = 0;
    do {
        struct iovec iov { const_cast<char*>(payload.data() + sent), payload.size() - sent };
        struct msghdr msg {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        if (fd >= 0 && sent == 0) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        }
        ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            common::throw_errno(what);
        }
        sent += static_cast<size_t>(n);
    } while (sent < payload.size());
}

}  // namespace runtime
