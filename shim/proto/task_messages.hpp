// The messages of containerd's task service (containerd.task.v2.Task,
// runtime/v2/task/shim.proto in containerd 1.6), as plain structs: the
// requests the shim decodes and the responses it encodes. Field numbers
// follow that file; unknown fields are skipped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shim/proto/common_types.hpp"

namespace shimproto {

// containerd.v1.types.Status
enum class TaskStatus : uint32_t { Unknown = 0, Created = 1, Running = 2, Stopped = 3, Paused = 4, Pausing = 5 };

struct CreateTaskRequest {
    std::string id, bundle;
    std::vector<Mount> rootfs;
    bool terminal = false;
    std::string stdin_path, stdout_path, stderr_path;
    std::string checkpoint, parent_checkpoint;
    std::optional<Any> options;
};
CreateTaskRequest decode_create(std::string_view data);

// State, Start, Delete, Wait (id = 1, exec_id = 2) and the id-only
// requests Pids, Pause, Resume, Stats, Connect (id = 1).
struct TaskRef {
    std::string id, exec_id;
};
TaskRef decode_task_ref(std::string_view data);

struct KillRequest {
    std::string id, exec_id;
    uint32_t signal = 0;
    bool all = false;
};
KillRequest decode_kill(std::string_view data);

struct ExecProcessRequest {
    std::string id, exec_id;
    bool terminal = false;
    std::string stdin_path, stdout_path, stderr_path;
    std::optional<Any> spec;
};
ExecProcessRequest decode_exec(std::string_view data);

struct ResizePtyRequest {
    std::string id, exec_id;
    uint32_t width = 0, height = 0;
};
ResizePtyRequest decode_resize(std::string_view data);

struct CloseIORequest {
    std::string id, exec_id;
    bool stdin_close = false;
};
CloseIORequest decode_close_io(std::string_view data);

struct UpdateTaskRequest {
    std::string id;
    std::optional<Any> resources;
    std::map<std::string, std::string> annotations;
};
UpdateTaskRequest decode_update(std::string_view data);

struct ShutdownRequest {
    std::string id;
    bool now = false;
};
ShutdownRequest decode_shutdown(std::string_view data);

// CreateTaskResponse and StartResponse: pid = 1.
std::string encode_pid_response(uint32_t pid);

struct DeleteResponse {
    uint32_t pid = 0, exit_status = 0;
    Timestamp exited_at;
};
std::string encode(const DeleteResponse& response);
DeleteResponse decode_delete_response(std::string_view data);

struct StateResponse {
    std::string id, bundle;
    uint32_t pid = 0;
    TaskStatus status = TaskStatus::Unknown;
    std::string stdin_path, stdout_path, stderr_path;
    bool terminal = false;
    uint32_t exit_status = 0;
    Timestamp exited_at;
    std::string exec_id;
};
std::string encode(const StateResponse& response);

struct ProcessInfo {
    uint32_t pid = 0;
    std::optional<Any> info;
};
// containerd.runc.v1.ProcessDetails {exec_id = 1}, the info of an exec's
// pid in Pids (the type containerd's runc shim uses; clients decode it).
Any process_details(const std::string& exec_id);
std::string encode_pids_response(const std::vector<ProcessInfo>& processes);

struct WaitResponse {
    uint32_t exit_status = 0;
    Timestamp exited_at;
};
std::string encode(const WaitResponse& response);

struct ConnectResponse {
    uint32_t shim_pid = 0, task_pid = 0;
    std::string version;
};
std::string encode(const ConnectResponse& response);

// StatsResponse: stats = 1 (an Any).
std::string encode_stats_response(const Any& stats);

}  // namespace shimproto
