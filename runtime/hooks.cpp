#include "runtime/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>


#include "common/error.hpp"
#include "common/file.hpp"
#include "common/unique_fd.hpp"
#include "runtime/logging.hpp"

namespace runtime {

namespace {

std::vector<char*> c_strings(const std::vector<std::string>& items) {
    std::vector<char*> out;
    for (const auto& s : items) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Waits for `pid` up to `timeout_s` seconds (<= 0: forever); kills it on
// timeout. Returns the wait status, or -1 on timeout.
int wait_with_timeout(pid_t pid, int timeout_s) {
    int status = 0;
    if (timeout_s > 0) {
        common::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
        if (pidfd) {
            struct pollfd p { pidfd.get(), POLLIN, 0 };
            int r;
            while ((r = ::poll(&p, 1, timeout_s * 1000)) < 0 && errno == EINTR) {
            }
            if (r == 0) {
                ::kill(pid, SIGKILL);
                while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
                }
                return -1;
            }
        }
    }
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) common::throw_errno("wait for hook");
    }
    return status;
}

void run_one(const oci::Hook& hook, const std::string& state_json, const std::string& what) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) common::throw_errno(what + ": pipe");
    common::UniqueFd read_end(pipefd[0]), write_end(pipefd[1]);
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    auto argv = c_strings(args);
    auto envp = c_strings(hook.env);
    pid_t pid = ::fork();
    if (pid < 0) common::throw_errno(what + ": fork");
    if (pid == 0) {
        ::dup2(read_end.get(), 0);
        ::execve(hook.path.c_str(), argv.data(), envp.data());
        std::string msg = what + ": exec: " + std::strerror(errno) + "\n";
        (void)!::write(2, msg.data(), msg.size());
        ::_exit(127);
    }
    read_end.reset();
    // A hook need not read its stdin; a closed pipe must not kill us.
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old);
    try {
        common::write_fd(write_end.get(), state_json, what + " stdin");
    } catch (const common::Error&) {
    }
    ::sigaction(SIGPIPE, &old, nullptr);
    write_end.reset();
    int status = wait_with_timeout(pid, hook.timeout.value_or(0));
    if (status == -1) throw common::Error(what + ": timed out after " + std::to_string(*hook.timeout) + "s");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    if (WIFEXITED(status)) throw common::Error(what + ": exit status " + std::to_string(WEXITSTATUS(status)));
    throw common::Error(what + ": killed by signal " + std::to_string(WTERMSIG(status)));
}

std::string label(const char* phase, size_t i, const oci::Hook& hook) {
    return std::string(phase) + " hook [" + std::to_string(i) + "] " + hook.path;
}

}  // namespace

void run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state_json, const char* phase) {
    for (size_t i = 0; i < hooks.size(); ++i) run_one(hooks[i], state_json, label(phase, i, hooks[i]));
}

void run_hooks_warn(const std::vector<oci::Hook>& hooks, const std::string& state_json, const char* phase) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        try {
            run_one(hooks[i], state_json, label(phase, i, hooks[i]));
        } catch (const common::Error& e) {
            log_warn(e.what());
        }
    }
}

}  // namespace runtime
