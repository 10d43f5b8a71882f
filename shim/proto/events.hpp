// containerd's task events (containerd/api/events/task.proto), each encoded
// as the protobuf Any that containerd's publish path takes: the type URL is
// the message's full name, as containerd's typeurl gives for these types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shim/proto/common_types.hpp"

namespace shimproto {

struct Event {
    std::string topic;  // "/tasks/exit"
    Any payload;
};

struct TaskIO {
    std::string stdin_path, stdout_path, stderr_path;
    bool terminal = false;
};

Event task_create(const std::string& id, const std::string& bundle, const std::vector<Mount>& rootfs,
                  const TaskIO& io, uint32_t pid);
Event task_start(const std::string& id, uint32_t pid);
Event task_exit(const std::string& id, const std::string& exec_id, uint32_t pid, uint32_t status,
                const Timestamp& exited_at);
Event task_delete(const std::string& id, const std::string& exec_id, uint32_t pid, uint32_t status,
                  const Timestamp& exited_at);
Event task_exec_added(const std::string& id, const std::string& exec_id);
Event task_exec_started(const std::string& id, const std::string& exec_id, uint32_t pid);
// containerd's ttrpc events service (containerd.services.events.ttrpc.v1
// Events.Forward): ForwardRequest {envelope = 1: Envelope {timestamp = 1,
// namespace = 2, topic = 3, event = 4}}.
inline constexpr const char* kEventsService = "containerd.services.events.ttrpc.v1.Events";
std::string encode_forward_request(const Event& event, const std::string& ns, const Timestamp& when);

Event task_oom(const std::string& id);
Event task_paused(const std::string& id);
Event task_resumed(const std::string& id);

}  // namespace shimproto
