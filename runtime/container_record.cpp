#include "runtime/container_record.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "oci/version.hpp"

namespace runtime {

std::string to_json(const ContainerRecord& r) {
    nlohmann::json j = {
        {"id", r.id},           {"bundle", r.bundle},         {"rootfs", r.rootfs},
        {"created", r.created}, {"owner", r.owner},           {"annotations", r.annotations},
        {"pid", r.pid},         {"pidStartTime", r.pid_start_time},
        {"cgroup", r.cgroup},   {"overlayDir", r.overlay_dir},
        {"hasPoststart", r.has_poststart_hooks}, {"hasPoststop", r.has_poststop_hooks},
    };
    if (r.launching) j["launching"] = true;
    if (r.shared_rootfs_mount != 0) {
        j["sharedRootfsMount"] = r.shared_rootfs_mount;
        j["sharedMountNs"] = r.shared_mount_ns;
    }
    return j.dump();
}

std::string state_json(const ContainerRecord& r, oci::Status status) {
    oci::State state;
    state.ociVersion = oci::kSpecVersion;
    state.id = r.id;
    state.status = status;
    state.pid = status == oci::Status::stopped ? 0 : r.pid;
    state.bundle = r.bundle;
    state.annotations = r.annotations;
    state.rootfs = r.rootfs;
    state.created = r.created;
    state.owner = r.owner;
    return oci::to_json(state);
}

ContainerRecord record_from_json(const std::string& text, const std::string& where) {
    try {
        nlohmann::json j = nlohmann::json::parse(text);
        ContainerRecord r;
        r.id = j.at("id").get<std::string>();
        r.bundle = j.at("bundle").get<std::string>();
        r.rootfs = j.value("rootfs", "");
        r.created = j.value("created", "");
        r.owner = j.value("owner", "");
        r.annotations = j.value("annotations", std::map<std::string, std::string>{});
        r.pid = j.value("pid", 0);
        r.pid_start_time = j.value("pidStartTime", uint64_t{0});
        r.cgroup = j.value("cgroup", "");
        r.overlay_dir = j.value("overlayDir", "");
        r.has_poststart_hooks = j.value("hasPoststart", false);
        r.has_poststop_hooks = j.value("hasPoststop", false);
        r.launching = j.value("launching", false);
        r.shared_rootfs_mount = j.value("sharedRootfsMount", uint64_t{0});
        r.shared_mount_ns = j.value("sharedMountNs", "");
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw common::Error(where + ": corrupt container state: " + e.what());
    }
}

}  // namespace runtime
