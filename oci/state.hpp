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

// Pretty JSON (2-space indent) in runc's shape and member order; pid is
// always present (0 once stopped, as runc prints it), annotations only
// when there are some.
std::string to_json(const State& state);

}  // namespace oci
