#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "shim/cli/commands.hpp"
#include "shim/service/publisher.hpp"
#include "shim/service/reaper.hpp"
#include "shim/service/runtime_cli.hpp"
#include "shim/service/task_service.hpp"
#include "shim/ttrpc/server.hpp"

namespace shim {
namespace {

// containerd reads the shim's log from the "log" fifo in the bundle (it
// holds it open read-write, so this open does not block). Quiet unless
// -debug: warnings and errors only.
void setup_logging(bool debug) {
    common::UniqueFd log(open("log", O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (log) dup2(log.get(), STDERR_FILENO);
    auto logger = spdlog::stderr_logger_st("crun-lite-shim");
    logger->set_level(debug ? spdlog::level::debug : spdlog::level::warn);
    // Microseconds: the task steps of one container take a few ms each,
    // and this log is how their time is read against containerd's.
    logger->set_pattern("[%Y-%m-%dT%H:%M:%S.%f] [%l] %v");
    spdlog::set_default_logger(logger);
}

std::string bound_path(int fd) {
    sockaddr_un addr{};
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || addr.sun_family != AF_UNIX)
        throw common::Error("fd 3 is not the shim's unix socket (run the daemon through `start`)");
    return addr.sun_path;
}

}  // namespace

int run_daemon(const Flags& flags) {
    setup_logging(flags.debug);
    common::UniqueFd listener(3);
    const std::string path = bound_path(listener.get());
    fcntl(listener.get(), F_SETFD, FD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    // Containers' orphans (a detached exec's children, the init itself
    // once the runtime's create has exited) come to us to be reaped.
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) common::throw_errno("PR_SET_CHILD_SUBREAPER");

    ttrpc::EventLoop loop;
    const char* ttrpc_address = getenv("TTRPC_ADDRESS");
    Publisher publisher(flags.publish_binary, flags.address, flags.ns, ttrpc_address ? ttrpc_address : "");
    TaskService service({flags.ns, find_runtime_binary(), default_runtime_root()}, loop, publisher, [&loop] { loop.stop(); });
    Reaper reaper(loop, [&](pid_t pid, int status) {
        if (!publisher.reaped(pid, status)) service.on_exit(pid, status);
    });
    ttrpc::Server server(loop, std::move(listener),
                         [&](const ttrpc::Request& request, const ttrpc::Responder& responder) { service.dispatch(request, responder); });
    publisher.attach(loop);
    loop.after_events([&publisher] { publisher.pump(); });
    loop.run();
    unlink(path.c_str());
    // TaskExit/TaskDelete of the last container must still reach containerd.
    publisher.flush();
    return 0;
}

}  // namespace shim
