#include "runtime/sync_channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "runtime/unix_socket.hpp"

namespace runtime {

std::pair<SyncChannel, SyncChannel> SyncChannel::make_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
        common::throw_errno("socketpair for the container sync channel");
    }
    return {SyncChannel(common::UniqueFd(fds[0])), SyncChannel(common::UniqueFd(fds[1]))};
}

void SyncChannel::send(SyncKind kind, const std::string& text, int fd) {
    std::string payload(1, static_cast<char>(kind));
    payload += text;
    // SOCK_SEQPACKET: one sendmsg carries the whole message.
    send_with_fd(fd_.get(), payload, fd, "send on the container sync channel");
}

int SyncChannel::send_listener_number(int fd) noexcept {
    // Formatted on the stack: an allocation could be a syscall too.
    char buf[16];
    size_t n = sizeof buf;
    buf[--n] = '\0';
    unsigned value = static_cast<unsigned>(fd);
    do {
        buf[--n] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    buf[--n] = static_cast<char>(SyncKind::seccomp_listener);
    const size_t len = sizeof buf - 1 - n;
    for (;;) {
        ssize_t w = ::write(fd_.get(), buf + n, len);
        if (w == static_cast<ssize_t>(len)) return 0;
        if (w < 0 && errno == EINTR) continue;
        return w < 0 ? errno : EIO;
    }
}

std::optional<SyncMessage> SyncChannel::receive() {
    char buf[8192];
    struct iovec iov { buf, sizeof buf };
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    while ((n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC)) < 0) {
        if (errno != EINTR) common::throw_errno("receive on the container sync channel");
    }
    if (n == 0) return std::nullopt;
    SyncMessage out{static_cast<SyncKind>(buf[0]), std::string(buf + 1, static_cast<size_t>(n - 1)), {}};
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
            out.fd.reset(fd);
        }
    }
    return out;
}

SyncMessage SyncChannel::expect(SyncKind kind, const char* waiting_for) {
    std::optional<SyncMessage> msg = receive();
    if (!msg) throw common::Error(std::string("container process exited while ") + waiting_for);
    if (msg->kind == SyncKind::error) throw common::Error(msg->text);
    if (msg->kind != kind) {
        throw common::Error(std::string("unexpected message '") + static_cast<char>(msg->kind) +
                            "' while " + waiting_for);
    }
    return std::move(*msg);
}

}  // namespace runtime
