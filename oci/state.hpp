// The runtime-spec "state" document (what `crun-lite state` prints).
#pragma once

#include <map>
#include <string>

namespace oci {

enum class Status { creating, created, running, stopped, paused };

const char* to_string(Status status);

struct State {
    std::string ociVersion;
    std::string id;
    Status status = Status::creating;
    int pid = 0;  // 0 when there is no process (stopped)
    std::string bundle;
    std::map<std::string, std::string> annotations;
    // runc's extra members, which podman and other clients read
    std::string rootfs;
    std::string created;  // RFC 3339 with nanoseconds, UTC
    std::string owner;
};

// Pretty JSON in runc's shape (pid omitted when 0, as the spec allows).
std::string to_json(const State& state);

}  // namespace oci
