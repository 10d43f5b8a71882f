#include "shim/service/runtime_cli.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include <spdlog/spdlog.h>

#include "common/file.hpp"
#include "common/unique_fd.hpp"
#include "runtime/cli_main.hpp"
#include "shim/service/bounded_wait.hpp"
#include "shim/service/spawn.hpp"

namespace shim {
namespace {

struct Pipe {
    common::UniqueFd read, write;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) common::throw_errno("pipe2");
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
};

// The "msg" string of one JSON log line, with \" \\ \n unescaped; enough
// for the runtime's own log lines, which it writes with one fixed layout.
std::string json_msg(const std::string& line) {
    const std::string key = "\"msg\":\"";
    auto pos = line.find(key);
    if (pos == std::string::npos) return line;
    std::string out;
    for (pos += key.size(); pos < line.size() && line[pos] != '"'; ++pos) {
        if (line[pos] == '\\' && pos + 1 < line.size()) {
            const char c = line[++pos];
            out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
        } else {
            out.push_back(line[pos]);
        }
    }
    return out;
}

}  // namespace

RuntimeCli::RuntimeCli(std::string binary, std::string root, std::string log_path, bool systemd_cgroup)
    : binary_(std::move(binary)), root_(std::move(root)), log_path_(std::move(log_path)), systemd_cgroup_(systemd_cgroup) {}

std::string RuntimeCli::last_error() const {
    auto text = common::read_file_if_exists(log_path_);
    if (!text) return {};
    std::string last;
    size_t start = 0;
    while (start < text->size()) {
        size_t end = text->find('\n', start);
        if (end == std::string::npos) end = text->size();
        const std::string line = text->substr(start, end - start);
        if (line.find("\"level\":\"error\"") != std::string::npos) last = line;
        start = end + 1;
    }
    return last.empty() ? std::string() : json_msg(last);
}

std::string RuntimeCli::run(std::vector<std::string> args, const Stdio& stdio, bool capture, const std::string& input) {
    const bool in_process = binary_.empty();
    const std::string name = in_process ? std::string("crun-lite") : binary_;
    std::vector<std::string> argv = {name, "--root", root_, "--log", log_path_, "--log-format", "json"};
    if (systemd_cgroup_) argv.push_back("--systemd-cgroup");
    argv.insert(argv.end(), args.begin(), args.end());

    SpawnSpec spec{name, argv, stdio.in, stdio.out, stdio.err};
    std::optional<Pipe> out, in;
    if (capture) {
        out.emplace();
        spec.stdout_fd = out->write.get();
    }
    if (!input.empty()) {
        in.emplace();
        spec.stdin_fd = in->read.get();
    }
    const auto started = std::chrono::steady_clock::now();
    const Deadline deadline = started + runtime_call_bound();
    const pid_t pid = in_process ? spawn_call(spec, runtime::cli_main) : spawn(spec);
    const std::string what = name + " " + args.front();
    std::string output;
    if (in) {
        in->read.reset();
        // Small documents (a LinuxResources JSON) fit the pipe buffer.
        try {
            common::write_fd(in->write.get(), input, "runtime stdin");
        } catch (const common::Error&) {
        }
        in->write.reset();
    }
    if (out) {
        out->write.reset();
        // A runtime that hangs with its stdout open: the wait below kills it.
        read_until(out->read.get(), deadline, output);
    }
    const int status = wait_until(pid, deadline, what);
    // With -debug (containerd at debug level): where a task step's time goes.
    spdlog::debug("{}: {:.1f} ms", what,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    if (exit_status_of(status) != 0) {
        std::string message = last_error();
        if (message.empty()) message = "exit status " + std::to_string(exit_status_of(status));
        throw RuntimeError(what + ": " + message);
    }
    return output;
}

void RuntimeCli::create(const std::string& id, const std::string& bundle, const std::string& pid_file, const Stdio& stdio) {
    std::vector<std::string> args = {"create", "--bundle", bundle, "--pid-file", pid_file};
    if (!stdio.console_socket.empty()) args.insert(args.end(), {"--console-socket", stdio.console_socket});
    args.push_back(id);
    run(std::move(args), stdio, false);
}

void RuntimeCli::start(const std::string& id) { run({"start", id}, {}, false); }

void RuntimeCli::kill(const std::string& id, unsigned signal, bool all) {
    std::vector<std::string> args = {"kill"};
    if (all) args.push_back("--all");
    args.push_back(id);
    args.push_back(std::to_string(signal));
    run(std::move(args), {}, false);
}

void RuntimeCli::remove(const std::string& id, bool force) {
    if (force) run({"delete", "--force", id}, {}, false);
    else run({"delete", id}, {}, false);
}

void RuntimeCli::pause(const std::string& id) { run({"pause", id}, {}, false); }
void RuntimeCli::resume(const std::string& id) { run({"resume", id}, {}, false); }

std::vector<pid_t> RuntimeCli::ps(const std::string& id) {
    const std::string json = run({"ps", "--format", "json", id}, {}, true);
    // A JSON array of integers: read the digit runs.
    std::vector<pid_t> pids;
    long value = -1;
    for (char c : json) {
        if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
        } else if (value >= 0) {
            pids.push_back(static_cast<pid_t>(value));
            value = -1;
        }
    }
    if (value >= 0) pids.push_back(static_cast<pid_t>(value));
    return pids;
}

void RuntimeCli::exec(const std::string& id, const std::string& process_file, const std::string& pid_file, const Stdio& stdio) {
    std::vector<std::string> args = {"exec", "--process", process_file, "--detach", "--pid-file", pid_file};
    if (!stdio.console_socket.empty()) args.insert(args.end(), {"--console-socket", stdio.console_socket});
    args.push_back(id);
    run(std::move(args), stdio, false);
}

void RuntimeCli::update(const std::string& id, const std::string& resources_json) {
    run({"update", "--resources=-", id}, {}, false, resources_json);
}

std::string RuntimeCli::stats(const std::string& id) { return run({"events", "--stats", id}, {}, true); }

std::string find_runtime_binary() {
    const char* chosen = getenv("CRUNLITE_SHIM_RUNTIME");
    return chosen && *chosen ? chosen : std::string();
}

bool mentions_not_found(const std::string& message) {
    return message.find("does not exist") != std::string::npos || message.find("not running") != std::string::npos ||
           message.find("no such process") != std::string::npos;
}

}  // namespace shim
