// Test helper: plays the client side of --console-socket.
//   console_receiver SOCKET INPUT
// Listens on SOCKET, receives one pty master over SCM_RIGHTS, writes INPUT
// to it, then copies what the container prints to stdout until the pty
// closes (or 10 s pass).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: console_receiver SOCKET INPUT\n");
        return 2;
    }
    int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    unlink(argv[1]);
    if (bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(server, 1) < 0) {
        std::perror("bind/listen");
        return 1;
    }
    std::printf("listening\n");
    std::fflush(stdout);
    int conn = accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) {
        std::perror("accept");
        return 1;
    }
    char name[256];
    iovec iov{name, sizeof name};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0) {
        std::perror("recvmsg");
        return 1;
    }
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) {
        std::fprintf(stderr, "no fd received\n");
        return 1;
    }
    int master;
    std::memcpy(&master, CMSG_DATA(cmsg), sizeof master);
    std::printf("received pty master\n");
    std::fflush(stdout);
    std::string input = argv[2];
    for (auto& c : input) {
        if (c == ';') c = '\n';
    }
    if (write(master, input.data(), input.size()) < 0) std::perror("write");
    char buf[4096];
    for (;;) {
        pollfd p{master, POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0) break;
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0) break;
        fwrite(buf, 1, static_cast<size_t>(n), stdout);
    }
    return 0;
}
