#include "runtime/terminal.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "runtime/unix_socket.hpp"

namespace runtime {

static_assert(sizeof(struct termios) <= 64, "RawTerminal::saved_ too small");

common::UniqueFd setup_container_terminal(const oci::Process& process, bool bind_console) {
    common::UniqueFd master(::open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) common::throw_errno("process.terminal: open /dev/ptmx in the container");
    if (::unlockpt(master.get()) < 0) common::throw_errno("process.terminal: unlockpt");
    // Opening the peer through the master fd avoids resolving a pts path
    // that the image could have replaced.
    common::UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) common::throw_errno("process.terminal: open the pty peer");
    // The terminal belongs to the process's user, as in runc; its group
    // stays the one devpts gives (gid=5, "tty", in the default config).
    if (::fchown(slave.get(), process.user.uid, static_cast<gid_t>(-1)) < 0) {
        common::throw_errno("process.terminal: chown the pty to uid " + std::to_string(process.user.uid));
    }
    if (process.consoleSize) {
        struct winsize ws {};
        ws.ws_row = static_cast<unsigned short>(process.consoleSize->height);
        ws.ws_col = static_cast<unsigned short>(process.consoleSize->width);
        ::ioctl(slave.get(), TIOCSWINSZ, &ws);
    }
    if (bind_console) {
        // /dev/console is a bind of the pty, as runc and crun do; /dev is the
        // container's own tmpfs by now.
        int fd = ::open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            std::string source = "/proc/self/fd/" + std::to_string(slave.get());
            if (::mount(source.c_str(), "/dev/console", nullptr, MS_BIND, nullptr) < 0) {
                common::throw_errno("process.terminal: bind the pty over /dev/console");
            }
        }
    }
    if (::setsid() < 0) common::throw_errno("process.terminal: setsid");
    if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0) common::throw_errno("process.terminal: TIOCSCTTY");
    for (int fd = 0; fd <= 2; ++fd) {
        if (::dup2(slave.get(), fd) < 0) common::throw_errno("process.terminal: dup2");
    }
    return master;
}

void send_to_console_socket(const std::string& socket_path, int master_fd) {
    const std::string what = "--console-socket " + socket_path;
    common::UniqueFd sock = connect_unix(socket_path, what);
    send_with_fd(sock.get(), "/dev/ptmx", master_fd, what + ": send the pty");
}

RawTerminal::RawTerminal() {
    struct termios t;
    if (!::isatty(0) || ::tcgetattr(0, &t) < 0) return;
    std::memcpy(saved_, &t, sizeof t);
    ::cfmakeraw(&t);
    if (::tcsetattr(0, TCSANOW, &t) == 0) active_ = true;
}

RawTerminal::~RawTerminal() {
    if (!active_) return;
    struct termios t;
    std::memcpy(&t, saved_, sizeof t);
    ::tcsetattr(0, TCSANOW, &t);
}

void copy_window_size(int from_fd, int master_fd) {
    struct winsize ws;
    if (::ioctl(from_fd, TIOCGWINSZ, &ws) == 0) ::ioctl(master_fd, TIOCSWINSZ, &ws);
}

}  // namespace runtime
