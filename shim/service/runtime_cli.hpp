// crun-lite driven as a child process with runc's command line (the
// contract containerd's runc shim relies on), one call per task step: its
// own command line linked in and run in a forked child (no exec), or an
// external runtime binary. The
// runtime's errors come back through its JSON log (--log, --log-format
// json), since during create its stderr is the container's.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/error.hpp"

namespace shim {

// A failed runtime call; the message is the runtime's own error line.
class RuntimeError : public common::Error {
public:
    using common::Error::Error;
};

struct Stdio {
    int in = -1, out = -1, err = -1;
    std::string console_socket;  // with a terminal: where the master goes
};

class RuntimeCli {
public:
    // binary: a runtime to exec, or empty for crun-lite in-process.
    RuntimeCli(std::string binary, std::string root, std::string log_path, bool systemd_cgroup);

    void create(const std::string& id, const std::string& bundle, const std::string& pid_file, const Stdio& stdio);
    void start(const std::string& id);
    void kill(const std::string& id, unsigned signal, bool all);
    void remove(const std::string& id, bool force);
    void pause(const std::string& id);
    void resume(const std::string& id);
    std::vector<pid_t> ps(const std::string& id);
    void exec(const std::string& id, const std::string& process_file, const std::string& pid_file, const Stdio& stdio);
    void update(const std::string& id, const std::string& resources_json);
    // `events --stats`: one JSON line.
    std::string stats(const std::string& id);

    const std::string& root() const { return root_; }

private:
    // Runs the runtime; returns its stdout when capture is set.
    std::string run(std::vector<std::string> args, const Stdio& stdio, bool capture, const std::string& input = {});
    std::string last_error() const;

    std::string binary_, root_, log_path_;
    bool systemd_cgroup_;
};

// The runtime the shim drives: empty for crun-lite's own command line,
// linked into the shim and run in a forked child per call (the default);
// $CRUNLITE_SHIM_RUNTIME, a runtime binary with runc's command line, when
// set in containerd's environment.
std::string find_runtime_binary();
// "...container not running..." style checks on RuntimeError messages.
bool mentions_not_found(const std::string& message);

}  // namespace shim
