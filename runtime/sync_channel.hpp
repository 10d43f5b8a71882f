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
    run_hooks = 'h',      // child -> parent: run prestart/createRuntime now
    hooks_done = 'd',     // parent -> child
    terminal = 't',       // child -> parent: pty master attached
    ready = 'r',          // child -> parent: set up, about to wait or exec
    seccomp_listener = 's',  // child -> parent: SCMP_ACT_NOTIFY fd for listenerPath
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
