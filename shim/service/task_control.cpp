// The task service's control calls: signals, pause/resume, process lists,
// exec, update and the shim's own lifecycle (Connect, Shutdown).
#include <signal.h>
#include <string.h>

#include <cctype>
#include <unistd.h>

#include "shim/service/stats.hpp"
#include "shim/service/task_service.hpp"

namespace shim {

using shimproto::TaskStatus;
using ttrpc::Code;

namespace {

// containerd's identifier rule; the id also names files in the bundle.
bool valid_exec_id(const std::string& id) {
    if (id.empty() || id.size() > 76 || !isalnum(static_cast<unsigned char>(id[0]))) return false;
    for (const char ch : id)
        if (!isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-') return false;
    return true;
}

}  // namespace

void TaskService::kill(const std::string& payload, const ttrpc::Responder& responder) {
    const auto request = shimproto::decode_kill(payload);
    Container& c = container(request.id);
    ProcessState& p = process(c, request.exec_id);
    if (p.exited() && !request.all) throw ServiceError(Code::NotFound, "process already finished: not found");
    if (request.exec_id.empty()) {
        c.runtime->kill(c.id, request.signal, request.all);
    } else if (p.pid > 0 && ::kill(p.pid, static_cast<int>(request.signal)) != 0) {
        throw ServiceError(errno == ESRCH ? Code::NotFound : Code::Unknown,
                           "kill exec " + request.exec_id + ": " + strerror(errno));
    }
    responder.ok({});
}

void TaskService::pids(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    std::vector<shimproto::ProcessInfo> processes;
    for (const pid_t pid : c.runtime->ps(c.id)) {
        shimproto::ProcessInfo info{static_cast<uint32_t>(pid), std::nullopt};
        // An exec's pid carries its exec id (ctr task ps shows it as INFO).
        for (const auto& [exec_id, e] : c.execs)
            if (e.pid == pid && !e.exited()) info.info = shimproto::process_details(exec_id);
        processes.push_back(std::move(info));
    }
    responder.ok(shimproto::encode_pids_response(processes));
}

void TaskService::pause(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    if (c.init.status != TaskStatus::Running) throw ServiceError(Code::FailedPrecondition, "container " + c.id + " is not running");
    c.runtime->pause(c.id);
    c.init.status = TaskStatus::Paused;
    publisher_.publish(shimproto::task_paused(c.id));
    responder.ok({});
}

void TaskService::resume(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    if (c.init.status != TaskStatus::Paused) throw ServiceError(Code::FailedPrecondition, "container " + c.id + " is not paused");
    c.runtime->resume(c.id);
    c.init.status = TaskStatus::Running;
    publisher_.publish(shimproto::task_resumed(c.id));
    responder.ok({});
}

void TaskService::exec(const std::string& payload, const ttrpc::Responder& responder) {
    auto request = shimproto::decode_exec(payload);
    Container& c = container(request.id);
    if (!valid_exec_id(request.exec_id))
        throw ServiceError(Code::InvalidArgument, "exec id \"" + request.exec_id + "\": must match [A-Za-z0-9][A-Za-z0-9_.-]*, at most 76 characters");
    if (c.execs.count(request.exec_id)) throw ServiceError(Code::AlreadyExists, "exec " + request.exec_id + ": already exists");
    if (c.init.exited()) throw ServiceError(Code::FailedPrecondition, "container " + c.id + " is stopped");
    if (!request.spec) throw ServiceError(Code::InvalidArgument, "exec " + request.exec_id + ": no process spec");
    ProcessState p;
    p.exec_id = request.exec_id;
    p.stdin_path = request.stdin_path;
    p.stdout_path = request.stdout_path;
    p.stderr_path = request.stderr_path;
    p.terminal = request.terminal;
    // containerd encodes the runtime-spec Process as JSON inside the Any.
    p.spec_json = request.spec->value;
    c.execs.emplace(p.exec_id, std::move(p));
    publisher_.publish(shimproto::task_exec_added(c.id, request.exec_id));
    responder.ok({});
}

void TaskService::resize_pty(const std::string& payload, const ttrpc::Responder& responder) {
    const auto request = shimproto::decode_resize(payload);
    Container& c = container(request.id);
    const ProcessState& p = process(c, request.exec_id);
    if (!p.console) throw ServiceError(Code::FailedPrecondition, "process has no terminal");
    p.console->resize(request.width, request.height);
    responder.ok({});
}

void TaskService::close_io(const std::string& payload, const ttrpc::Responder& responder) {
    const auto request = shimproto::decode_close_io(payload);
    ProcessState& p = process(container(request.id), request.exec_id);
    // Without a terminal the stdin fifo went to the process itself and the
    // shim holds no writer of it: the client closing its end is the EOF.
    if (request.stdin_close && p.console) p.console->close_stdin();
    responder.ok({});
}

void TaskService::update(const std::string& payload, const ttrpc::Responder& responder) {
    const auto request = shimproto::decode_update(payload);
    Container& c = container(request.id);
    if (!request.resources) throw ServiceError(Code::InvalidArgument, "update: no resources");
    // LinuxResources is not a protobuf type: containerd sends it as JSON.
    c.runtime->update(c.id, request.resources->value);
    responder.ok({});
}

void TaskService::stats(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    const auto metrics = metrics_from_stats_json(c.runtime->stats(c.id));
    responder.ok(shimproto::encode_stats_response(unified_host()
                                                      ? shimproto::encode_v2_metrics(metrics, memory_events_of(c.init.pid))
                                                      : shimproto::encode_v1_metrics(metrics)));
}

void TaskService::connect(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    uint32_t task_pid = 0;
    if (auto it = containers_.find(ref.id); it != containers_.end()) task_pid = static_cast<uint32_t>(it->second.init.pid);
    responder.ok(shimproto::encode(shimproto::ConnectResponse{static_cast<uint32_t>(getpid()), task_pid, "crun-lite-shim"}));
}

void TaskService::shutdown(const std::string& payload, const ttrpc::Responder& responder) {
    const auto request = shimproto::decode_shutdown(payload);
    responder.ok({});
    // Other containers of a pod keep the shim alive.
    if (request.now || containers_.empty()) shutdown_();
}

void TaskService::checkpoint(const std::string& payload, const ttrpc::Responder& responder) {
    shimproto::decode_task_ref(payload);
    (void)responder;
    throw ServiceError(Code::Unimplemented, "checkpoint is not supported by crun-lite yet");
}

}  // namespace shim
