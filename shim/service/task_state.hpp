// What the shim knows of its containers and their processes: the runtime
// is asked only to act, never to tell the state (no `crun-lite state`
// round trip per State call).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "shim/proto/task_messages.hpp"
#include "shim/service/console.hpp"
#include "shim/service/oom_watch.hpp"
#include "shim/service/runtime_cli.hpp"
#include "shim/service/stdio.hpp"
#include "shim/ttrpc/server.hpp"

namespace shim {

struct ProcessState {
    std::string exec_id;  // empty for the init process
    pid_t pid = 0;
    shimproto::TaskStatus status = shimproto::TaskStatus::Created;
    uint32_t exit_status = 0;
    shimproto::Timestamp exited_at;
    std::string stdin_path, stdout_path, stderr_path;
    bool terminal = false;
    std::string spec_json;  // an exec's process.json, until it starts
    ProcessIo io;
    std::unique_ptr<ConsoleCopy> console;  // with a terminal
    std::vector<ttrpc::Responder> waiters;

    bool exited() const { return status == shimproto::TaskStatus::Stopped; }
};

struct Container {
    std::string id, bundle;
    std::vector<shimproto::Mount> rootfs;
    ProcessState init;
    std::map<std::string, ProcessState> execs;
    std::unique_ptr<RuntimeCli> runtime;
    std::unique_ptr<OomWatch> oom;
};

}  // namespace shim
