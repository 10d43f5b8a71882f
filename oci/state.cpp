#include "oci/state.hpp"

#include <nlohmann/json.hpp>

namespace oci {

const char* to_string(Status status) {
    switch (status) {
        case Status::creating: return "creating";
        case Status::created: return "created";
        case Status::running: return "running";
        case Status::stopped: return "stopped";
        case Status::paused: return "paused";
    }
    return "unknown";
}

std::string to_json(const State& state) {
    // ordered_json keeps runc's member order, which people diff against.
    nlohmann::ordered_json j;
    j["ociVersion"] = state.ociVersion;
    j["id"] = state.id;
    // runc always prints pid, 0 once the container has stopped; some
    // clients read it unconditionally.
    j["pid"] = state.pid;
    j["status"] = to_string(state.status);
    j["bundle"] = state.bundle;
    j["rootfs"] = state.rootfs;
    j["created"] = state.created;
    j["owner"] = state.owner;
    if (!state.annotations.empty()) j["annotations"] = state.annotations;
    return j.dump(2);
}

}  // namespace oci
