// containerd.task.v2.Task over ttrpc: decodes each request, acts through
// the runtime, answers, and publishes the task events. Wait requests stay
// parked on the process until its exit is reaped.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "shim/service/publisher.hpp"
#include "shim/service/task_state.hpp"
#include "shim/ttrpc/server.hpp"

namespace shim {

inline constexpr const char* kTaskService = "containerd.task.v2.Task";

// An error with the ttrpc code containerd turns back into its errdefs.
class ServiceError : public common::Error {
public:
    ServiceError(ttrpc::Code code, const std::string& message) : common::Error(message), code_(code) {}
    ttrpc::Code code() const { return code_; }

private:
    ttrpc::Code code_;
};

struct ServiceConfig {
    std::string ns;
    std::string runtime_binary;  // empty: crun-lite in-process
    std::string default_root;    // the runtime's --root parent; <root>/<ns> is used
};

class TaskService {
public:
    TaskService(ServiceConfig config, ttrpc::EventLoop& loop, Publisher& publisher, std::function<void()> shutdown);

    void dispatch(const ttrpc::Request& request, const ttrpc::Responder& responder);
    // A reaped child: a container's process, or nobody we know.
    void on_exit(pid_t pid, int wait_status);

private:
    using Handler = void (TaskService::*)(const std::string&, const ttrpc::Responder&);
    static const std::map<std::string, Handler>& handlers();

    void create(const std::string& payload, const ttrpc::Responder& responder);
    void start(const std::string& payload, const ttrpc::Responder& responder);
    void remove(const std::string& payload, const ttrpc::Responder& responder);
    void state(const std::string& payload, const ttrpc::Responder& responder);
    void wait(const std::string& payload, const ttrpc::Responder& responder);
    void kill(const std::string& payload, const ttrpc::Responder& responder);
    void pids(const std::string& payload, const ttrpc::Responder& responder);
    void pause(const std::string& payload, const ttrpc::Responder& responder);
    void resume(const std::string& payload, const ttrpc::Responder& responder);
    void exec(const std::string& payload, const ttrpc::Responder& responder);
    void resize_pty(const std::string& payload, const ttrpc::Responder& responder);
    void close_io(const std::string& payload, const ttrpc::Responder& responder);
    void update(const std::string& payload, const ttrpc::Responder& responder);
    void stats(const std::string& payload, const ttrpc::Responder& responder);
    void connect(const std::string& payload, const ttrpc::Responder& responder);
    void shutdown(const std::string& payload, const ttrpc::Responder& responder);
    void checkpoint(const std::string& payload, const ttrpc::Responder& responder);

    Container& container(const std::string& id);
    ProcessState& process(Container& c, const std::string& exec_id);
    void start_exec(Container& c, ProcessState& p);
    // Records an exit: TaskExit published, Wait requests answered.
    void mark_exited(Container& c, ProcessState& p, uint32_t exit_status);
    std::string runtime_root(const shimproto::CreateTaskRequest& request) const;

    // Opens the process's stdio (or its terminal) and runs the runtime step
    // that starts it (create or exec) with them.
    void launch_process(const std::string& container_id, ProcessState& p,
                        const std::function<void(const Stdio&)>& run);

    ServiceConfig config_;
    ttrpc::EventLoop& loop_;
    Publisher& publisher_;
    std::function<void()> shutdown_;
    std::map<std::string, Container> containers_;
};

}  // namespace shim
