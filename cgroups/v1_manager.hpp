// The cgroup v1 (and hybrid) manager: one directory per mounted v1
// hierarchy plus one in the unified hierarchy when the host has it
// (/sys/fs/cgroup/unified), where cgroup.kill, cgroup.freeze and any
// controller bound to v2 (hugetlb on some hosts) live.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cgroups/control_dir.hpp"
#include "cgroups/manager.hpp"
#include "cgroups/paths.hpp"
#include "common/unique_fd.hpp"

namespace cgroups {

class V1Manager final : public Manager {
public:
    struct Dir {
        std::string name;                      // "memory", "cpu,cpuacct", "unified"
        std::vector<std::string> controllers;  // empty for the unified one
        std::string mount_point;
        std::string path;                   // the container's cgroup directory
        std::vector<std::string> created;   // what create() made, outermost first
        bool unified = false;
        // The caller's own cgroup in this hierarchy; known to create() only
        // (not saved), which needs no check below a cgroup we run in.
        std::string own;
    };

    V1Manager(const Layout& layout, const Config& config);
    V1Manager(std::vector<Dir> dirs, bool enable_in_parents)
        : dirs_(std::move(dirs)), enable_in_parents_(enable_in_parents) {}
    static std::unique_ptr<V1Manager> from_json(const nlohmann::json& saved);

    void create() override;
    void apply(const oci::Resources& resources) override;
    void add_process(pid_t pid) override;
    int clone_into_fd() override;  // the unified directory: CLONE_INTO_CGROUP reaches v2 only
    std::vector<std::string> self_join_files() const override;
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    std::vector<pid_t> pids() const override;
    void kill_all(int signal) override;
    Stats stats() const override;
    std::vector<Hierarchy> hierarchies() const override;
    void destroy() override;
    std::string save() const override;
    std::string save_planned() const override;
    std::vector<std::string> notes() const override { return notes_; }

    const std::vector<Dir>& dirs() const { return dirs_; }

private:
    // The directory of the hierarchy carrying `controller`, or nullptr.
    const Dir* find(std::string_view controller) const;
    const Dir* unified_dir() const;
    // The same, throwing "<field>: not supported by this host (no X hierarchy)".
    ControlDir require(std::string_view controller, std::string_view field) const;
    // A controller bound to the unified hierarchy on this host.
    bool in_unified(const std::string& controller) const;
    void set_frozen_v1(const Dir& freezer, bool frozen);
    void enable_unified(const std::string& controller, std::string_view field) const;
    // create()'s checks of cgroups that were there already (joined.hpp).
    void refuse_frozen() const;
    void warn_if_busy() const;

    std::vector<Dir> dirs_;
    bool enable_in_parents_ = false;  // Config::enable_controllers_in_parents
    bool shared_parent_ = false;      // no cgroupsPath: <own>/crun-lite/<id>
    // create() made the devices cgroup and apply() has not written it yet.
    bool fresh_devices_ = false;
    std::vector<std::string> notes_;
    common::UniqueFd unified_fd_;
};

}  // namespace cgroups
