#include "shim/service/task_service.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "common/file.hpp"
#include "shim/proto/wire.hpp"
#include "shim/service/bounded_wait.hpp"
#include "shim/service/rootfs_mounts.hpp"
#include "shim/service/spawn.hpp"

namespace shim {

using shimproto::TaskStatus;
using ttrpc::Code;

namespace {

// containerd's runc options (containerd.runc.v1.Options), when a client
// sends them: binary_name = 6, root = 7, systemd_cgroup = 9.
struct RuncOptions {
    std::string binary_name, root;
    bool systemd_cgroup = false;
};

RuncOptions decode_runc_options(const std::optional<shimproto::Any>& any) {
    RuncOptions options;
    if (!any || any->type_url.find("runc.v1.Options") == std::string::npos) return options;
    shimproto::Reader r(any->value);
    shimproto::Field f;
    while (r.next(f)) {
        if (f.number == 6) options.binary_name = shimproto::Reader::as_string(f);
        if (f.number == 7) options.root = shimproto::Reader::as_string(f);
        if (f.number == 9) options.systemd_cgroup = shimproto::Reader::as_bool(f);
    }
    return options;
}

pid_t read_pid_file(const std::string& path) {
    const std::string text = common::read_file(path);
    const long pid = std::strtol(text.c_str(), nullptr, 10);
    if (pid <= 0) throw common::Error("pid file " + path + ": no pid in \"" + text + "\"");
    return static_cast<pid_t>(pid);
}

}  // namespace

TaskService::TaskService(ServiceConfig config, ttrpc::EventLoop& loop, Publisher& publisher, std::function<void()> shutdown)
    : config_(std::move(config)), loop_(loop), publisher_(publisher), shutdown_(std::move(shutdown)) {}

void TaskService::launch_process(const std::string& container_id, ProcessState& p,
                                 const std::function<void(const Stdio&)>& run) {
    if (!p.terminal) {
        p.io = open_process_io(p.stdin_path, p.stdout_path, p.stderr_path, {container_id, config_.ns});
        // Ours closed whether the runtime succeeded or not: a client waits
        // for its fifos' EOF before it deletes the process.
        struct CloseChildEnds {
            ProcessIo& io;
            ~CloseChildEnds() { io.close_child_ends(); }
        } guard{p.io};
        run({p.io.in.get(), p.io.out.get(), p.io.err.get(), {}});
        return;
    }
    ConsoleSocket socket;
    run({-1, -1, -1, socket.path()});
    p.console = std::make_unique<ConsoleCopy>(loop_, socket.receive_master(), p.stdin_path, p.stdout_path);
}

const std::map<std::string, TaskService::Handler>& TaskService::handlers() {
    static const std::map<std::string, Handler> table = {
        {"State", &TaskService::state},         {"Create", &TaskService::create},
        {"Start", &TaskService::start},         {"Delete", &TaskService::remove},
        {"Pids", &TaskService::pids},           {"Pause", &TaskService::pause},
        {"Resume", &TaskService::resume},       {"Checkpoint", &TaskService::checkpoint},
        {"Kill", &TaskService::kill},           {"Exec", &TaskService::exec},
        {"ResizePty", &TaskService::resize_pty}, {"CloseIO", &TaskService::close_io},
        {"Update", &TaskService::update},       {"Wait", &TaskService::wait},
        {"Stats", &TaskService::stats},         {"Connect", &TaskService::connect},
        {"Shutdown", &TaskService::shutdown},
    };
    return table;
}

void TaskService::dispatch(const ttrpc::Request& request, const ttrpc::Responder& responder) {
    if (request.service != kTaskService) {
        responder.error(Code::Unimplemented, "service " + request.service);
        return;
    }
    const auto it = handlers().find(request.method);
    if (it == handlers().end()) {
        responder.error(Code::Unimplemented, "method " + request.method);
        return;
    }
    spdlog::debug("ttrpc {}", request.method);
    try {
        (this->*(it->second))(request.payload, responder);
    } catch (const ServiceError& e) {
        responder.error(e.code(), e.what());
    } catch (const shimproto::DecodeError& e) {
        responder.error(Code::InvalidArgument, request.method + ": " + e.what());
    } catch (const RuntimeTimeout& e) {
        responder.error(Code::DeadlineExceeded, e.what());
    } catch (const RuntimeError& e) {
        responder.error(mentions_not_found(e.what()) ? Code::NotFound : Code::Unknown, e.what());
    } catch (const std::exception& e) {
        responder.error(Code::Unknown, request.method + ": " + e.what());
    }
}

Container& TaskService::container(const std::string& id) {
    auto it = containers_.find(id);
    if (it == containers_.end()) throw ServiceError(Code::NotFound, "container " + id + ": not found");
    return it->second;
}

ProcessState& TaskService::process(Container& c, const std::string& exec_id) {
    if (exec_id.empty()) return c.init;
    auto it = c.execs.find(exec_id);
    if (it == c.execs.end()) throw ServiceError(Code::NotFound, "process " + exec_id + " of " + c.id + ": not found");
    return it->second;
}

std::string TaskService::runtime_root(const shimproto::CreateTaskRequest& request) const {
    const RuncOptions options = decode_runc_options(request.options);
    if (!options.root.empty()) return options.root + "/" + config_.ns;
    return config_.default_root + "/" + config_.ns;
}

void TaskService::create(const std::string& payload, const ttrpc::Responder& responder) {
    auto request = shimproto::decode_create(payload);
    if (containers_.count(request.id)) throw ServiceError(Code::AlreadyExists, "container " + request.id + ": already exists");
    if (!request.checkpoint.empty()) throw ServiceError(Code::Unimplemented, "restore from a checkpoint is not supported");

    const RuncOptions options = decode_runc_options(request.options);
    Container c;
    c.id = request.id;
    c.bundle = request.bundle;
    c.rootfs = request.rootfs;
    const std::string root = runtime_root(request);
    c.runtime = std::make_unique<RuntimeCli>(options.binary_name.empty() ? config_.runtime_binary : options.binary_name,
                                             root, c.bundle + "/log.json", options.systemd_cgroup);
    // For `delete` after a crash, which gets no options (runc's shim keeps
    // an options.json for the same reason).
    common::write_file_atomic(c.bundle + "/crun-lite-root", root);

    ProcessState& init = c.init;
    init.stdin_path = request.stdin_path;
    init.stdout_path = request.stdout_path;
    init.stderr_path = request.stderr_path;
    init.terminal = request.terminal;

    mount_rootfs(c.bundle, c.rootfs);
    bool created = false;
    try {
        const std::string pid_file = c.bundle + "/init.pid";
        launch_process(c.id, init, [&](const Stdio& stdio) {
            try {
                c.runtime->create(c.id, c.bundle, pid_file, stdio);
            } catch (const RuntimeTimeout&) {
                created = true;  // killed midway: it may have made the container
                throw;
            }
            created = true;
        });
        init.pid = read_pid_file(pid_file);
    } catch (...) {
        // A container the runtime made is ours to undo (a create that
        // failed has undone itself).
        if (created) {
            try {
                c.runtime->remove(c.id, true);
            } catch (const common::Error& e) {
                spdlog::warn("container {}: undo a failed create: {}", c.id, e.what());
            }
        }
        unmount_rootfs(c.bundle);
        throw;
    }
    init.status = TaskStatus::Created;
    const pid_t pid = init.pid;
    try {
        c.oom = std::make_unique<OomWatch>(loop_, pid, [this, id = c.id] { publisher_.publish(shimproto::task_oom(id)); });
    } catch (const common::Error& e) {
        spdlog::warn("container {}: no OOM events: {}", c.id, e.what());
    }
    publisher_.publish(shimproto::task_create(c.id, c.bundle, c.rootfs,
                                              {init.stdin_path, init.stdout_path, init.stderr_path, init.terminal}, pid));
    containers_.emplace(c.id, std::move(c));
    responder.ok(shimproto::encode_pid_response(static_cast<uint32_t>(pid)));
}

void TaskService::start(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    ProcessState& p = process(c, ref.exec_id);
    if (p.status != TaskStatus::Created)
        throw ServiceError(Code::FailedPrecondition, "process " + (ref.exec_id.empty() ? ref.id : ref.exec_id) + " is not in the created state");
    if (ref.exec_id.empty()) {
        c.runtime->start(c.id);
        // The exit may already be waiting in the signalfd; it is handled
        // after this answer, so Running is right until then.
        p.status = TaskStatus::Running;
        publisher_.publish(shimproto::task_start(c.id, static_cast<uint32_t>(p.pid)));
    } else {
        try {
            start_exec(c, p);
        } catch (...) {
            // As runc's shim: an exec that never ran is stopped and its
            // Wait answered (no TaskExit: it never started), so the client
            // goes on to delete it.
            p.io = ProcessIo();
            p.status = TaskStatus::Stopped;
            p.exit_status = 255;
            p.exited_at = shimproto::timestamp_now();
            const std::string answer = shimproto::encode(shimproto::WaitResponse{p.exit_status, p.exited_at});
            for (const auto& waiter : p.waiters) waiter.ok(answer);
            p.waiters.clear();
            throw;
        }
        publisher_.publish(shimproto::task_exec_started(c.id, p.exec_id, static_cast<uint32_t>(p.pid)));
    }
    responder.ok(shimproto::encode_pid_response(static_cast<uint32_t>(p.pid)));
}

void TaskService::start_exec(Container& c, ProcessState& p) {
    const std::string spec_file = c.bundle + "/.exec-" + p.exec_id + ".json";
    const std::string pid_file = c.bundle + "/.exec-" + p.exec_id + ".pid";
    common::write_file_atomic(spec_file, p.spec_json);
    try {
        launch_process(c.id, p, [&](const Stdio& stdio) { c.runtime->exec(c.id, spec_file, pid_file, stdio); });
        p.pid = read_pid_file(pid_file);
    } catch (...) {
        unlink(spec_file.c_str());
        unlink(pid_file.c_str());
        throw;
    }
    unlink(spec_file.c_str());
    unlink(pid_file.c_str());
    p.status = TaskStatus::Running;
}

void TaskService::remove(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    ProcessState& p = process(c, ref.exec_id);
    if (p.status != TaskStatus::Stopped && p.status != TaskStatus::Created)
        throw ServiceError(Code::FailedPrecondition, "process " + (ref.exec_id.empty() ? ref.id : ref.exec_id) + " must be stopped before deletion");
    const shimproto::DeleteResponse answer{static_cast<uint32_t>(p.pid), p.exit_status, p.exited_at};
    if (!ref.exec_id.empty()) {
        c.execs.erase(ref.exec_id);
        responder.ok(shimproto::encode(answer));
        return;
    }
    c.oom.reset();  // before the cgroup goes
    // --force also ends what an exited init left in the container's cgroup.
    c.runtime->remove(c.id, true);
    // Execs the force just killed (a container sharing the host's pid
    // namespace keeps them past the init) are reaped after the container
    // is gone: their waiters hear now.
    for (auto& [exec_id, e] : c.execs)
        if (e.status == TaskStatus::Running || e.status == TaskStatus::Paused) mark_exited(c, e, 128 + SIGKILL);
    const auto unmount_start = std::chrono::steady_clock::now();
    unmount_rootfs(c.bundle);
    spdlog::debug("unmount rootfs: {:.1f} ms",
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - unmount_start).count());
    unlink((c.bundle + "/init.pid").c_str());
    publisher_.publish(shimproto::task_delete(c.id, "", answer.pid, answer.exit_status, answer.exited_at));
    containers_.erase(ref.id);
    responder.ok(shimproto::encode(answer));
}

void TaskService::state(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    Container& c = container(ref.id);
    const ProcessState& p = process(c, ref.exec_id);
    shimproto::StateResponse answer;
    answer.id = ref.exec_id.empty() ? c.id : ref.exec_id;
    answer.bundle = c.bundle;
    answer.pid = static_cast<uint32_t>(p.pid);
    answer.status = p.status;
    answer.stdin_path = p.stdin_path;
    answer.stdout_path = p.stdout_path;
    answer.stderr_path = p.stderr_path;
    answer.terminal = p.terminal;
    answer.exit_status = p.exit_status;
    answer.exited_at = p.exited_at;
    answer.exec_id = ref.exec_id;
    responder.ok(shimproto::encode(answer));
}

void TaskService::wait(const std::string& payload, const ttrpc::Responder& responder) {
    const auto ref = shimproto::decode_task_ref(payload);
    ProcessState& p = process(container(ref.id), ref.exec_id);
    if (p.exited()) {
        responder.ok(shimproto::encode(shimproto::WaitResponse{p.exit_status, p.exited_at}));
        return;
    }
    p.waiters.push_back(responder);
}

void TaskService::on_exit(pid_t pid, int wait_status) {
    for (auto& [id, c] : containers_) {
        ProcessState* found = c.init.pid == pid ? &c.init : nullptr;
        for (auto& [exec_id, e] : c.execs)
            if (!found && e.pid == pid && !e.exited()) found = &e;
        if (!found || found->exited()) continue;
        mark_exited(c, *found, exit_status_of(wait_status));
        return;
    }
}

void TaskService::mark_exited(Container& c, ProcessState& p, uint32_t exit_status) {
    if (p.console) p.console->drain();
    p.status = TaskStatus::Stopped;
    p.exit_status = exit_status;
    p.exited_at = shimproto::timestamp_now();
    publisher_.publish(shimproto::task_exit(c.id, p.exec_id.empty() ? c.id : p.exec_id, static_cast<uint32_t>(p.pid),
                                            p.exit_status, p.exited_at));
    const std::string answer = shimproto::encode(shimproto::WaitResponse{p.exit_status, p.exited_at});
    for (const auto& waiter : p.waiters) waiter.ok(answer);
    p.waiters.clear();
}

}  // namespace shim
