#include "shim/service/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace

pid_t spawn(const SpawnSpec& spec) {
    common::UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd) common::throw_errno("open /dev/null");
    SpawnSetup setup;
    std::vector<int> sources = {spec.stdin_fd >= 0 ? spec.stdin_fd : null_fd.get(),
                                spec.stdout_fd >= 0 ? spec.stdout_fd : null_fd.get(),
                                spec.stderr_fd >= 0 ? spec.stderr_fd : null_fd.get()};
    sources.insert(sources.end(), spec.extra_fds.begin(), spec.extra_fds.end());
    // Sources that sit where a later target goes would be overwritten before
    // their dup2: move every source above the targets first.
    std::vector<common::UniqueFd> moved;
    for (int& source : sources) {
        if (source >= static_cast<int>(sources.size())) continue;
        moved.emplace_back(fcntl(source, F_DUPFD_CLOEXEC, static_cast<int>(sources.size())));
        if (!moved.back()) common::throw_errno("dup for spawn");
        source = moved.back().get();
    }
    for (size_t target = 0; target < sources.size(); ++target)
        posix_spawn_file_actions_adddup2(&setup.actions, sources[target], static_cast<int>(target));
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, static_cast<int>(sources.size()));

    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGCHLD);
    sigaddset(&defaults, SIGPIPE);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (spec.new_session) flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&setup.attr, flags);
    posix_spawnattr_setsigmask(&setup.attr, &empty);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);

    std::vector<char*> argv;
    for (const auto& arg : spec.args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
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
