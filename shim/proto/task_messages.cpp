#include "shim/proto/task_messages.hpp"

#include "shim/proto/wire.hpp"

namespace shimproto {

CreateTaskRequest decode_create(std::string_view data) {
    CreateTaskRequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.id = Reader::as_string(f); break;
        case 2: req.bundle = Reader::as_string(f); break;
        case 3: req.rootfs.push_back(decode_mount(Reader::as_string(f))); break;
        case 4: req.terminal = Reader::as_bool(f); break;
        case 5: req.stdin_path = Reader::as_string(f); break;
        case 6: req.stdout_path = Reader::as_string(f); break;
        case 7: req.stderr_path = Reader::as_string(f); break;
        case 8: req.checkpoint = Reader::as_string(f); break;
        case 9: req.parent_checkpoint = Reader::as_string(f); break;
        case 10: req.options = decode_any(Reader::as_string(f)); break;
        default: break;
        }
    }
    return req;
}

TaskRef decode_task_ref(std::string_view data) {
    TaskRef ref;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 1) ref.id = Reader::as_string(f);
        if (f.number == 2) ref.exec_id = Reader::as_string(f);
    }
    return ref;
}

KillRequest decode_kill(std::string_view data) {
    KillRequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.id = Reader::as_string(f); break;
        case 2: req.exec_id = Reader::as_string(f); break;
        case 3: req.signal = Reader::as_uint32(f); break;
        case 4: req.all = Reader::as_bool(f); break;
        default: break;
        }
    }
    return req;
}

ExecProcessRequest decode_exec(std::string_view data) {
    ExecProcessRequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.id = Reader::as_string(f); break;
        case 2: req.exec_id = Reader::as_string(f); break;
        case 3: req.terminal = Reader::as_bool(f); break;
        case 4: req.stdin_path = Reader::as_string(f); break;
        case 5: req.stdout_path = Reader::as_string(f); break;
        case 6: req.stderr_path = Reader::as_string(f); break;
        case 7: req.spec = decode_any(Reader::as_string(f)); break;
        default: break;
        }
    }
    return req;
}

ResizePtyRequest decode_resize(std::string_view data) {
    ResizePtyRequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.id = Reader::as_string(f); break;
        case 2: req.exec_id = Reader::as_string(f); break;
        case 3: req.width = Reader::as_uint32(f); break;
        case 4: req.height = Reader::as_uint32(f); break;
        default: break;
        }
    }
    return req;
}

CloseIORequest decode_close_io(std::string_view data) {
    CloseIORequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.id = Reader::as_string(f); break;
        case 2: req.exec_id = Reader::as_string(f); break;
        case 3: req.stdin_close = Reader::as_bool(f); break;
        default: break;
        }
    }
    return req;
}

// A map<string, string> entry is a message {key = 1, value = 2}.
static std::pair<std::string, std::string> decode_map_entry(std::string_view data) {
    std::pair<std::string, std::string> entry;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 1) entry.first = Reader::as_string(f);
        if (f.number == 2) entry.second = Reader::as_string(f);
    }
    return entry;
}

UpdateTaskRequest decode_update(std::string_view data) {
    UpdateTaskRequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        switch (f.number) {
        case 1: req.id = Reader::as_string(f); break;
        case 2: req.resources = decode_any(Reader::as_string(f)); break;
        case 3: req.annotations.insert(decode_map_entry(Reader::as_string(f))); break;
        default: break;
        }
    }
    return req;
}

ShutdownRequest decode_shutdown(std::string_view data) {
    ShutdownRequest req;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 1) req.id = Reader::as_string(f);
        if (f.number == 2) req.now = Reader::as_bool(f);
    }
    return req;
}

std::string encode_pid_response(uint32_t pid) {
    Writer w;
    w.varint_field(1, pid);
    return std::move(w).take();
}

std::string encode(const DeleteResponse& response) {
    Writer w;
    w.varint_field(1, response.pid);
    w.varint_field(2, response.exit_status);
    w.message_field(3, encode(response.exited_at));
    return std::move(w).take();
}

DeleteResponse decode_delete_response(std::string_view data) {
    DeleteResponse response;
    Reader r(data);
    Field f;
    while (r.next(f)) {
        if (f.number == 1) response.pid = Reader::as_uint32(f);
        if (f.number == 2) response.exit_status = Reader::as_uint32(f);
        if (f.number == 3) response.exited_at = decode_timestamp(Reader::as_string(f));
    }
    return response;
}

std::string encode(const StateResponse& response) {
    Writer w;
    w.bytes_field(1, response.id);
    w.bytes_field(2, response.bundle);
    w.varint_field(3, response.pid);
    w.varint_field(4, static_cast<uint32_t>(response.status));
    w.bytes_field(5, response.stdin_path);
    w.bytes_field(6, response.stdout_path);
    w.bytes_field(7, response.stderr_path);
    w.bool_field(8, response.terminal);
    w.varint_field(9, response.exit_status);
    w.message_field(10, encode(response.exited_at));
    w.bytes_field(11, response.exec_id);
    return std::move(w).take();
}

Any process_details(const std::string& exec_id) {
    Writer w;
    w.bytes_field(1, exec_id);
    return {"containerd.runc.v1.ProcessDetails", std::move(w).take()};
}

std::string encode_pids_response(const std::vector<ProcessInfo>& processes) {
    Writer w;
    for (const auto& process : processes) {
        Writer item;
        item.varint_field(1, process.pid);
        if (process.info) item.message_field(2, encode(*process.info));
        w.message_field(1, item.data());
    }
    return std::move(w).take();
}

std::string encode(const WaitResponse& response) {
    Writer w;
    w.varint_field(1, response.exit_status);
    w.message_field(2, encode(response.exited_at));
    return std::move(w).take();
}

std::string encode(const ConnectResponse& response) {
    Writer w;
    w.varint_field(1, response.shim_pid);
    w.varint_field(2, response.task_pid);
    w.bytes_field(3, response.version);
    return std::move(w).take();
}

std::string encode_stats_response(const Any& stats) {
    Writer w;
    w.message_field(1, encode(stats));
    return std::move(w).take();
}

}  // namespace shimproto
