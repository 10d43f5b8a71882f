// A tiny seccomp user-notification agent for test_seccomp.sh:
//
//   seccomp_agent SOCKET STATE_FILE ERRNO
//
// Listens on the unix socket SOCKET, accepts one connection from the
// runtime, writes the container process state it receives to STATE_FILE
// (then renames STATE_FILE.tmp -> STATE_FILE, so a reader sees it whole),
// takes the seccompFd from SCM_RIGHTS and answers notifications until every
// process of the filter is gone: mkdir/mkdirat fail with ERRNO (0 = report
// success without creating anything); any other notified call continues.
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "seccomp_agent: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

// Reads the whole state (the runtime closes after sending) and the fd.
int receive_state(int conn, std::string& state) {
    int fd = -1;
    char buf[4096];
    for (;;) {
        iovec iov{buf, sizeof buf};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("recvmsg");
        if (n == 0) break;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
        }
        state.append(buf, static_cast<size_t>(n));
    }
    return fd;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: seccomp_agent SOCKET STATE_FILE ERRNO\n");
        return 2;
    }
    const std::string path = argv[1], state_file = argv[2];
    const int answer = std::atoi(argv[3]);

    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) die("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) die("socket path too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    unlink(path.c_str());
    if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) die("bind");
    if (listen(sock, 1) < 0) die("listen");

    int conn;
    while ((conn = accept4(sock, nullptr, nullptr, SOCK_CLOEXEC)) < 0) {
        if (errno != EINTR) die("accept");
    }
    std::string state;
    int notify = receive_state(conn, state);
    close(conn);
    close(sock);
    unlink(path.c_str());
    {
        std::string tmp = state_file + ".tmp";
        FILE* f = std::fopen(tmp.c_str(), "w");
        if (!f) die("open state file");
        std::fprintf(f, "%s\n", state.c_str());
        std::fclose(f);
        if (rename(tmp.c_str(), state_file.c_str()) < 0) die("rename state file");
    }
    if (notify < 0) {
        std::fprintf(stderr, "seccomp_agent: no fd received\n");
        return 1;
    }

    seccomp_notif_sizes sizes{};
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) die("SECCOMP_GET_NOTIF_SIZES");
    std::string req_buf(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)), '\0');
    std::string resp_buf(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)), '\0');
    for (;;) {
        pollfd p{notify, POLLIN, 0};
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (!(p.revents & POLLIN)) break;  // POLLHUP: the filter has no users left
        auto* req = reinterpret_cast<seccomp_notif*>(req_buf.data());
        std::memset(req, 0, req_buf.size());
        if (ioctl(notify, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
            if (errno == EINTR || errno == ENOENT) continue;  // the caller went away
            die("SECCOMP_IOCTL_NOTIF_RECV");
        }
        auto* resp = reinterpret_cast<seccomp_notif_resp*>(resp_buf.data());
        std::memset(resp, 0, resp_buf.size());
        resp->id = req->id;
        const int nr = req->data.nr;
        if (nr == SYS_mkdir || nr == SYS_mkdirat) {
            resp->error = -answer;
            resp->val = 0;
        } else {
            resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        }
        if (ioctl(notify, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT) die("SECCOMP_IOCTL_NOTIF_SEND");
    }
    return 0;
}
