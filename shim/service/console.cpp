#include "shim/service/console.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/file.hpp"

namespace shim {

ConsoleSocket::ConsoleSocket() {
    char tmpl[] = "/tmp/crun-lite-pty.XXXXXX";
    if (!mkdtemp(tmpl)) common::throw_errno("mkdtemp for the console socket");
    dir_ = tmpl;
    path_ = dir_ + "/pty.sock";
    listener_.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (!listener_ || bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener_.get(), 1) != 0) {
        const int err = errno;
        rmdir(dir_.c_str());
        common::throw_errno("console socket " + path_, err);
    }
}

ConsoleSocket::~ConsoleSocket() {
    listener_.reset();
    unlink(path_.c_str());
    rmdir(dir_.c_str());
}

common::UniqueFd ConsoleSocket::receive_master() {
    // The runtime connected and sent before it exited: nothing to wait for
    // beyond a moment, unless it never did.
    pollfd pfd{listener_.get(), POLLIN, 0};
    if (poll(&pfd, 1, 1000) != 1) throw common::Error("console socket: the runtime sent no terminal");
    common::UniqueFd conn(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) common::throw_errno("console socket: accept");
    char name[256];
    iovec iov{name, sizeof name};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC) < 0) common::throw_errno("console socket: recvmsg");
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
        throw common::Error("console socket: no file descriptor in the runtime's message");
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return common::UniqueFd(fd);
}

ConsoleCopy::ConsoleCopy(ttrpc::EventLoop& loop, common::UniqueFd master, const std::string& stdin_path,
                         const std::string& stdout_path)
    : loop_(loop), master_(std::move(master)) {
    if (!stdout_path.empty()) {
        // As for plain stdio: our reader first, so the writer's open does
        // not wait for the client, and no EPIPE while it is away.
        keep_out_ = common::open_or_throw(stdout_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        out_ = common::open_or_throw(stdout_path, O_WRONLY | O_CLOEXEC);
    }
    if (!stdin_path.empty()) {
        in_ = common::open_or_throw(stdin_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        loop_.add(in_.get(), EPOLLIN, [this](uint32_t events) { stdin_ready(events); });
    }
    loop_.add(master_.get(), EPOLLIN, [this](uint32_t events) { master_ready(events); });
}

ConsoleCopy::~ConsoleCopy() {
    if (in_) loop_.remove(in_.get());
    if (master_) loop_.remove(master_.get());
}

void ConsoleCopy::resize(uint32_t width, uint32_t height) {
    winsize size{};
    size.ws_col = static_cast<unsigned short>(width);
    size.ws_row = static_cast<unsigned short>(height);
    if (master_ && ioctl(master_.get(), TIOCSWINSZ, &size) != 0) common::throw_errno("resize the terminal");
}

bool ConsoleCopy::copy_output() {
    char buffer[32768];
    const ssize_t n = read(master_.get(), buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;  // EIO: every slave descriptor is closed
    if (out_) {
        try {
            common::write_fd(out_.get(), std::string_view(buffer, static_cast<size_t>(n)), "terminal output");
        } catch (const common::Error&) {
            out_.reset();  // the client is gone; keep draining the master
        }
    }
    return true;
}

void ConsoleCopy::master_ready(uint32_t events) {
    if ((events & EPOLLIN) && copy_output()) return;
    close_output();
}

void ConsoleCopy::close_output() {
    if (master_) loop_.remove(master_.get());
    master_.reset();
    // The client's EOF: it stops copying once the terminal is gone.
    out_.reset();
    keep_out_.reset();
}

void ConsoleCopy::drain() {
    if (!master_) return;
    for (;;) {
        pollfd pfd{master_.get(), POLLIN, 0};
        if (poll(&pfd, 1, 0) != 1) return;
        if (!(pfd.revents & POLLIN) || !copy_output()) {
            close_output();
            return;
        }
    }
}

void ConsoleCopy::stdin_ready(uint32_t events) {
    char buffer[32768];
    const ssize_t n = read(in_.get(), buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n > 0) {
        try {
            common::write_fd(master_.get(), std::string_view(buffer, static_cast<size_t>(n)), "terminal input");
        } catch (const common::Error&) {
        }
        return;
    }
    (void)events;
    close_stdin();  // the client closed its end
}

void ConsoleCopy::close_stdin() {
    if (!in_) return;
    loop_.remove(in_.get());
    in_.reset();
}

}  // namespace shim
