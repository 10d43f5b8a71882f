#include "shim/service/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

extern char** environ;

namespace shim {
namespace {

// The file actions and attributes, freed on every path.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
};

// The dispositions the shim changes (SIGPIPE ignored; SIGCHLD is blocked
// for its signalfd): put back to the default in every child, as exec
// would not do for an ignored signal.
constexpr int kShimChangedSignals[] = {SIGCHLD, SIGPIPE};

std::vector<char*> argv_of(const SpawnSpec& spec) {
    std::vector<char*> argv;
    for (const auto& arg : spec.args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    return argv;
}

// The child's side of spawn_call, after fork: only syscalls that cannot
// throw until entry runs, and _exit(127) if the set-up fails.
[[noreturn]] void run_in_child(const SpawnSpec& spec, const std::vector<int>& sources, int (*entry)(int, char**)) {
    const int count = static_cast<int>(sources.size());
    // Every source already sits at or above count (see spawn_call).
    for (int target = 0; target < count; ++target) {
        if (dup2(sources[target], target) < 0) _exit(127);
    }
    // What exec would have done for the shim's O_CLOEXEC fds, and what
    // posix_spawn's closefrom does for the rest.
    if (syscall(SYS_close_range, static_cast<unsigned>(count), ~0U, 0) != 0) _exit(127);
    for (int sig : kShimChangedSignals) signal(sig, SIG_DFL);
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, nullptr);
    if (spec.new_session) setsid();
    if (spec.clear_env) clearenv();
    for (const auto& e : spec.extra_env) {
        const auto eq = e.find('=');
        if (eq != std::string::npos) setenv(e.substr(0, eq).c_str(), e.c_str() + eq + 1, 1);
    }
    std::vector<char*> argv = argv_of(spec);
    int status = 127;
    try {
        status = entry(static_cast<int>(spec.args.size()), argv.data());
    } catch (...) {
    }
    // _exit, not exit: the shim's static objects and atexit handlers are
    // the shim's, not this child's. What the runtime printed goes first.
    std::cout.flush();
    std::cerr.flush();
    fflush(nullptr);
    _exit(status);
}

// The fds a child gets as 0, 1, 2, 3...: /dev/null where none is given,
// each moved above the targets first, so that no dup2 overwrites a source
// a later target still needs.
std::vector<int> child_sources(const SpawnSpec& spec, int null_fd, std::vector<common::UniqueFd>& moved) {
    std::vector<int> sources = {spec.stdin_fd >= 0 ? spec.stdin_fd : null_fd,
                                spec.stdout_fd >= 0 ? spec.stdout_fd : null_fd,
                                spec.stderr_fd >= 0 ? spec.stderr_fd : null_fd};
    sources.insert(sources.end(), spec.extra_fds.begin(), spec.extra_fds.end());
    for (int& source : sources) {
        if (source >= static_cast<int>(sources.size())) continue;
        moved.emplace_back(fcntl(source, F_DUPFD_CLOEXEC, static_cast<int>(sources.size())));
        if (!moved.back()) common::throw_errno("dup for spawn");
        source = moved.back().get();
    }
    return sources;
}

}  // namespace

pid_t spawn_call(const SpawnSpec& spec, int (*entry)(int, char**)) {
    common::UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd) common::throw_errno("open /dev/null");
    std::vector<common::UniqueFd> moved;
    const std::vector<int> sources = child_sources(spec, null_fd.get(), moved);
    // Buffered output of ours must not be written twice (by the child too).
    fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) common::throw_errno("fork for " + (spec.args.empty() ? std::string("a runtime call") : spec.args[0]));
    if (pid == 0) run_in_child(spec, sources, entry);
    return pid;
}

pid_t spawn(const SpawnSpec& spec) {
    common::UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd) common::throw_errno("open /dev/null");
    SpawnSetup setup;
    std::vector<common::UniqueFd> moved;
    const std::vector<int> sources = child_sources(spec, null_fd.get(), moved);
    for (size_t target = 0; target < sources.size(); ++target)
        posix_spawn_file_actions_adddup2(&setup.actions, sources[target], static_cast<int>(target));
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, static_cast<int>(sources.size()));

    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : kShimChangedSignals) sigaddset(&defaults, sig);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (spec.new_session) flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&setup.attr, flags);
    posix_spawnattr_setsigmask(&setup.attr, &empty);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);

    std::vector<char*> argv = argv_of(spec);
    std::vector<char*> envp;
    if (!spec.clear_env)
        for (char** e = environ; *e; ++e) envp.push_back(*e);
    for (const auto& e : spec.extra_env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_t pid = -1;
    const int err = posix_spawn(&pid, spec.path.c_str(), &setup.actions, &setup.attr, argv.data(), envp.data());
    if (err != 0) common::throw_errno("spawn " + spec.path, err);
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) common::throw_errno("waitpid " + std::to_string(pid));
    }
    return status;
}

uint32_t exit_status_of(int wait_status) {
    if (WIFEXITED(wait_status)) return static_cast<uint32_t>(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) return 128u + static_cast<uint32_t>(WTERMSIG(wait_status));
    return 255;
}

}  // namespace shim
