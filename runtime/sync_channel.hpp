// The parent <-> container-child channel used during create/run/exec: a
// SOCK_SEQPACKET socketpair, so each message arrives whole. A message is a
// one-byte kind and a text payload, optionally with one fd (SCM_RIGHTS).
// Errors in the child travel back as text and become the parent's error.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "common/unique_fd.hpp"

namespace runtime {

enum class SyncKind : char {
    go = 'g',             // parent -> child: ids mapped, cgroup joined: carry on
    host_source = 'o',    // parent -> child, before go: rootfs::open_host_sources fd #text
    run_hooks = 'h',      // child -> parent: run prestart/createRuntime now
    hooks_done = 'd',     // parent -> child
    terminal = 't',       // child -> parent: pty master attached
    shared_root = 'm',    // child -> parent: id of its rootfs mount in a shared mount namespace
    ready = 'r',          // child -> parent: set up, about to wait or exec
    seccomp_listener = 's',  // child -> parent: fd number of the SCMP_ACT_NOTIFY listener
    listener_taken = 'l',    // parent -> child: the agent has the listener
    error = 'e',          // child -> parent: text is the error message
};

struct SyncMessage {
    SyncKind kind;
    std::string text;
    common::UniqueFd fd;
};

class SyncChannel {
public:
    explicit SyncChannel(common::UniqueFd fd) : fd_(std::move(fd)) {}
    // Returns {parent end, child end}, both close-on-exec.
    static std::pair<SyncChannel, SyncChannel> make_pair();

    void send(SyncKind kind, const std::string& text = {}, int fd = -1);
    // `seccomp_listener` with the number of `fd`, by one write(2) and
    // nothing else: it runs under a filter whose agent cannot answer yet.
    // Returns 0 or an errno.
    int send_listener_number(int fd) noexcept;
    // nullopt on EOF (the other side exited or exec'd).
    std::optional<SyncMessage> receive();
    // Waits for `kind`; an error message or EOF throws with context.
    SyncMessage expect(SyncKind kind, const char* waiting_for);

    int fd() const { return fd_.get(); }
    void close() { fd_.reset(); }

private:
    common::UniqueFd fd_;
};

}  // namespace runtime
