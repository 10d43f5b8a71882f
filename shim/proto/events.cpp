#include "shim/proto/events.hpp"

#include "shim/proto/wire.hpp"

namespace shimproto {
namespace {

Event make(const char* topic, const char* name, Writer&& w) {
    return {topic, {std::string("containerd.events.") + name, std::move(w).take()}};
}

}  // namespace

Event task_create(const std::string& id, const std::string& bundle, const std::vector<Mount>& rootfs,
                  const TaskIO& io, uint32_t pid) {
    Writer w;
    w.bytes_field(1, id);
    w.bytes_field(2, bundle);
    for (const auto& m : rootfs) w.message_field(3, encode(m));
    Writer iow;
    iow.bytes_field(1, io.stdin_path);
    iow.bytes_field(2, io.stdout_path);
    iow.bytes_field(3, io.stderr_path);
    iow.bool_field(4, io.terminal);
    w.message_field(4, iow.data());
    w.varint_field(6, pid);
    return make("/tasks/create", "TaskCreate", std::move(w));
}

Event task_start(const std::string& id, uint32_t pid) {
    Writer w;
    w.bytes_field(1, id);
    w.varint_field(2, pid);
    return make("/tasks/start", "TaskStart", std::move(w));
}

Event task_exit(const std::string& id, const std::string& exec_id, uint32_t pid, uint32_t status,
                const Timestamp& exited_at) {
    Writer w;
    w.bytes_field(1, id);
    w.bytes_field(2, exec_id);
    w.varint_field(3, pid);
    w.varint_field(4, status);
    w.message_field(5, encode(exited_at));
    return make("/tasks/exit", "TaskExit", std::move(w));
}

Event task_delete(const std::string& id, const std::string& exec_id, uint32_t pid, uint32_t status,
                  const Timestamp& exited_at) {
    Writer w;
    w.bytes_field(1, id);
    w.varint_field(2, pid);
    w.varint_field(3, status);
    w.message_field(4, encode(exited_at));
    w.bytes_field(5, exec_id);
    return make("/tasks/delete", "TaskDelete", std::move(w));
}

Event task_exec_added(const std::string& id, const std::string& exec_id) {
    Writer w;
    w.bytes_field(1, id);
    w.bytes_field(2, exec_id);
    return make("/tasks/exec-added", "TaskExecAdded", std::move(w));
}

Event task_exec_started(const std::string& id, const std::string& exec_id, uint32_t pid) {
    Writer w;
    w.bytes_field(1, id);
    w.bytes_field(2, exec_id);
    w.varint_field(3, pid);
    return make("/tasks/exec-started", "TaskExecStarted", std::move(w));
}

static Event id_only(const char* topic, const char* name, const std::string& id) {
    Writer w;
    w.bytes_field(1, id);
    return make(topic, name, std::move(w));
}

std::string encode_forward_request(const Event& event, const std::string& ns, const Timestamp& when) {
    Writer envelope;
    envelope.message_field(1, encode(when));
    envelope.bytes_field(2, ns);
    envelope.bytes_field(3, event.topic);
    envelope.message_field(4, encode(event.payload));
    Writer request;
    request.message_field(1, envelope.data());
    return std::move(request).take();
}

Event task_oom(const std::string& id) { return id_only("/tasks/oom", "TaskOOM", id); }
Event task_paused(const std::string& id) { return id_only("/tasks/paused", "TaskPaused", id); }
Event task_resumed(const std::string& id) { return id_only("/tasks/resumed", "TaskResumed", id); }

}  // namespace shimproto
