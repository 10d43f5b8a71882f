// spawn_call: a runtime call forked without exec must start as an exec'd
// child would: exactly the fds given as 0, 1, 2, 3 (the shim's own closed,
// O_CLOEXEC or not), an empty signal mask and default dispositions (the
// shim blocks SIGCHLD for its signalfd and ignores SIGPIPE), the extra environment, the entry's
// status as exit status and its buffered output written.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "common/unique_fd.hpp"
#include "shim/service/runtime_cli.hpp"
#include "shim/service/spawn.hpp"

namespace {

int g_stray_fd = -1;  // open in the parent; must not reach the child

// Reports what the child sees on stdout (buffered, as the CLI's output is)
// and exits with a status of its own.
int report_entry(int argc, char** argv) {
    sigset_t mask;
    sigprocmask(SIG_SETMASK, nullptr, &mask);
    struct sigaction pipe_action {};
    sigaction(SIGPIPE, nullptr, &pipe_action);
    const char* env = getenv("SPAWN_CALL_TEST");
    std::cout << "argc=" << argc << " argv1=" << (argc > 1 ? argv[1] : "") << " stray="
              << (fcntl(g_stray_fd, F_GETFD) < 0 ? "closed" : "open") << " fd3="
              << (fcntl(3, F_GETFD) < 0 ? "closed" : "open") << " fd4=" << (fcntl(4, F_GETFD) < 0 ? "closed" : "open")
              << " sigchld_blocked=" << sigismember(&mask, SIGCHLD)
              << " sigpipe=" << (pipe_action.sa_handler == SIG_DFL ? "default" : "changed") << " env=" << (env ? env : "unset");
    return 7;
}

struct Pipe {
    common::UniqueFd read, write;
    Pipe() {
        int fds[2];
        REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
};

std::string read_all(int fd) {
    std::string out;
    char buffer[512];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    return out;
}

}  // namespace

TEST_CASE("spawn_call: the forked child starts as an exec'd one would") {
    Pipe out, extra;
    common::UniqueFd stray(open("/dev/null", O_RDONLY));  // not O_CLOEXEC: exec would keep it
    REQUIRE(stray);
    g_stray_fd = stray.get();
    // The shim's state: SIGCHLD blocked, SIGPIPE ignored (exec alone
    // would keep it ignored).
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    REQUIRE(sigprocmask(SIG_BLOCK, &block, &saved) == 0);
    struct sigaction ignore {}, saved_pipe {};
    ignore.sa_handler = SIG_IGN;
    REQUIRE(sigaction(SIGPIPE, &ignore, &saved_pipe) == 0);

    shim::SpawnSpec spec{"unused", {"crun-lite", "state"}, -1, out.write.get(), -1, {extra.read.get()}};
    spec.extra_env = {"SPAWN_CALL_TEST=given"};
    const pid_t pid = shim::spawn_call(spec, report_entry);
    out.write.reset();
    const std::string seen = read_all(out.read.get());
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    sigprocmask(SIG_SETMASK, &saved, nullptr);
    sigaction(SIGPIPE, &saved_pipe, nullptr);

    CHECK(seen ==
          "argc=2 argv1=state stray=closed fd3=open fd4=closed sigchld_blocked=0 sigpipe=default env=given");
    CHECK(shim::exit_status_of(status) == 7);
    CHECK(getenv("SPAWN_CALL_TEST") == nullptr);  // the parent's environment is untouched
}

TEST_CASE("spawn_call: crun-lite's own command line runs in the child") {
    // No exec and no crun-lite binary: the CLI linked into the shim answers.
    char tmpl[] = "/tmp/spawn-call.XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    const std::string dir = tmpl;
    shim::RuntimeCli runtime("", dir + "/root", dir + "/log.json", false);
    try {
        runtime.start("absent");
        FAIL("start of a container that does not exist succeeded");
    } catch (const shim::RuntimeError& e) {
        // The message is the runtime's own error line from its JSON log.
        CHECK(std::string(e.what()).find("crun-lite start") == 0);
        CHECK(std::string(e.what()).find("absent") != std::string::npos);
    }
    CHECK(system(("rm -rf " + dir).c_str()) == 0);
}
