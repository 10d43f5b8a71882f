// process.terminal: the pty is made inside the container (from its own
// devpts), its master handed to the caller's console socket or proxied to
// the caller's terminal by `run`.
#pragma once

#include "common/unique_fd.hpp"
#include "oci/spec.hpp"

#include <string>

namespace runtime {

// In the container, after its /dev/pts is mounted: opens a pty pair, binds
// the slave over /dev/console, makes it the controlling terminal and stdio.
// Returns the master for the parent.
common::UniqueFd setup_container_terminal(const oci::Process& process, bool bind_console);

// Sends the pty master over SCM_RIGHTS to the unix socket at `socket_path`
// (containerd's and conmon's --console-socket protocol).
void send_to_console_socket(const std::string& socket_path, int master_fd);

// Puts the caller's terminal (if stdin is one) in raw mode until destroyed.
class RawTerminal {
public:
    RawTerminal();
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    bool active_ = false;
    char saved_[64] = {};  // struct termios, kept opaque here
};

// Copies the caller's window size onto the pty master.
void copy_window_size(int from_fd, int master_fd);

}  // namespace runtime
