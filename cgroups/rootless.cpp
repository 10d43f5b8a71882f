#include "cgroups/rootless.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/v1_manager.hpp"
#include "cgroups/v2_manager.hpp"

namespace cgroups {

namespace {

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// Whether the caller may make `path` (write access to its deepest existing
// ancestor) or, when it exists, move processes into it.
bool writable(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return ::access((path + "/cgroup.procs").c_str(), W_OK) == 0;
    std::string dir = path;
    while (dir != "/" && ::stat(dir.c_str(), &st) < 0) dir = parent_of(dir);
    return ::access(dir.c_str(), W_OK) == 0;
}

}  // namespace

std::unique_ptr<Manager> make_rootless_manager(const Config& config, const Layout& layout) {
    std::unique_ptr<Manager> manager;
    if (layout.v2) {
        UnifiedHierarchy unified = *layout.unified;
        // A scope (a login or `systemd-run --scope` command) holds the
        // caller itself, so it cannot hand controllers down (the
        // no-internal-process rule): as runc, relative paths then nest in
        // its parent, which systemd delegates to the user.
        const bool relative = !config.cgroups_path || config.cgroups_path->empty() ||
                              config.cgroups_path->front() != '/';
        if (relative && unified.own.size() > 6 && unified.own.ends_with(".scope")) unified.own = parent_of(unified.own);
        Config c = config;
        // Where the subtree is ours, controllers are ours to hand down;
        // writes above it fail and change nothing.
        if (!c.enable_controllers_in_parents) c.enable_controllers_in_parents = true;
        manager = std::make_unique<V2Manager>(unified, c);
    } else {
        manager = std::make_unique<V1Manager>(layout, config);
    }
    for (const Hierarchy& h : manager->hierarchies()) {
        if (!writable(h.path)) return nullptr;
    }
    return manager;
}

std::vector<Hierarchy> caller_hierarchies(const Layout& layout) {
    std::vector<Hierarchy> out;
    auto join = [](const std::string& mount_point, const std::string& own) {
        return own == "/" || own.empty() ? mount_point : mount_point + own;
    };
    for (const V1Hierarchy& h : layout.v1) {
        std::string controllers;
        for (const auto& c : h.controllers) controllers += (controllers.empty() ? "" : ",") + c;
        out.push_back({h.name, join(h.mount_point, h.own), false, controllers});
    }
    if (layout.unified) {
        const std::string& mp = layout.unified->mount_point;
        const std::string name = layout.v2 ? "" : mp.substr(mp.rfind('/') + 1);
        out.push_back({name, join(mp, layout.unified->own), true, ""});
    }
    return out;
}

std::vector<Hierarchy> caller_hierarchies() { return caller_hierarchies(host_layout()); }

std::optional<std::string> first_limit(const oci::Resources& r) {
    const std::string base = "linux.resources.";
    if (r.memory) {
        const auto& m = *r.memory;
        const std::pair<const char*, bool> fields[] = {
            {"limit", m.limit.has_value()},           {"reservation", m.reservation.has_value()},
            {"swap", m.swap.has_value()},             {"kernel", m.kernel.has_value()},
            {"kernelTCP", m.kernelTCP.has_value()},   {"swappiness", m.swappiness.has_value()},
            {"disableOOMKiller", m.disableOOMKiller.value_or(false)},
        };
        for (const auto& [name, set] : fields)
            if (set) return base + "memory." + name;
    }
    if (r.cpu) {
        const auto& c = *r.cpu;
        const std::pair<const char*, bool> fields[] = {
            {"shares", c.shares.has_value()},       {"quota", c.quota.has_value()},
            {"burst", c.burst.has_value()},         {"period", c.period.has_value()},
            {"realtimeRuntime", c.realtimeRuntime.has_value()},
            {"realtimePeriod", c.realtimePeriod.has_value()},
            {"cpus", !c.cpus.empty()},              {"mems", !c.mems.empty()},
            {"idle", c.idle.has_value()},
        };
        for (const auto& [name, set] : fields)
            if (set) return base + "cpu." + name;
    }
    if (r.pids && r.pids->limit > 0) return base + "pids.limit";
    if (r.blockIO) {
        const auto& b = *r.blockIO;
        if (b.weight || b.leafWeight || !b.weightDevice.empty() || !b.throttleReadBpsDevice.empty() ||
            !b.throttleWriteBpsDevice.empty() || !b.throttleReadIOPSDevice.empty() ||
            !b.throttleWriteIOPSDevice.empty())
            return base + "blockIO";
    }
    if (!r.hugepageLimits.empty()) return base + "hugepageLimits";
    if (r.network && (r.network->classID || !r.network->priorities.empty())) return base + "network";
    if (!r.rdma.empty()) return base + "rdma";
    if (!r.unified.empty()) return base + "unified";
    return std::nullopt;
}

}  // namespace cgroups
