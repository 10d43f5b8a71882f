// Terminals: the runtime hands the pty master over a console socket
// (--console-socket, the protocol containerd's and conmon's runc callers
// use), and the shim copies between it and containerd's fifos in its event
// loop (stdin fifo -> master -> stdout fifo), no thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/unique_fd.hpp"
#include "shim/ttrpc/event_loop.hpp"

namespace shim {

// A listening socket in a private temporary directory, removed with it.
class ConsoleSocket {
public:
    ConsoleSocket();
    ~ConsoleSocket();
    ConsoleSocket(const ConsoleSocket&) = delete;
    ConsoleSocket& operator=(const ConsoleSocket&) = delete;
    const std::string& path() const { return path_; }
    // The master the runtime sent (it has already run and exited).
    common::UniqueFd receive_master();

private:
    std::string dir_, path_;
    common::UniqueFd listener_;
};

// Registered in the loop for its lifetime: keep it at a fixed address.
class ConsoleCopy {
public:
    ConsoleCopy(ttrpc::EventLoop& loop, common::UniqueFd master, const std::string& stdin_path,
                const std::string& stdout_path);
    ~ConsoleCopy();
    ConsoleCopy(const ConsoleCopy&) = delete;
    ConsoleCopy& operator=(const ConsoleCopy&) = delete;

    void resize(uint32_t width, uint32_t height);
    // At the process's exit: copy what the master still holds, so the
    // client has all the output before it hears of the exit.
    void drain();
    void close_stdin();

private:
    bool copy_output();  // false once the terminal is gone (EIO)
    void master_ready(uint32_t events);
    void stdin_ready(uint32_t events);
    void close_output();

    ttrpc::EventLoop& loop_;
    common::UniqueFd master_, in_, out_, keep_out_;
};

}  // namespace shim
