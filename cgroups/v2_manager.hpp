// The cgroup v2 manager: one directory in the unified hierarchy mounted at
// the cgroup root.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "cgroups/paths.hpp"
#include "common/unique_fd.hpp"

namespace cgroups {

class V2Manager final : public Manager {
public:
    V2Manager(const UnifiedHierarchy& hierarchy, const Config& config);
    V2Manager(std::string mount_point, std::string path, std::vector<std::string> created, bool enable_in_parents,
              bool rootless = false)
        : mount_point_(std::move(mount_point)),
          path_(std::move(path)),
          created_(std::move(created)),
          enable_in_parents_(enable_in_parents),
          rootless_(rootless) {}
    static std::unique_ptr<V2Manager> from_json(const nlohmann::json& saved);

    void create() override;
    void apply(const oci::Resources& resources) override;
    void add_process(pid_t pid) override;
    int clone_into_fd() override;
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

    const std::string& path() const { return path_; }
    const std::vector<std::string>& created() const { return created_; }

private:
    void need(const std::string& controller, std::string_view field) const;
    bool owns_leaf() const;  // create() made path_ itself

    std::string mount_point_;
    std::string path_;
    // The caller's own cgroup; known to create() only (not saved), which
    // needs no frozen check below a cgroup we run in.
    std::string own_;
    std::vector<std::string> created_;
    bool enable_in_parents_ = false;  // Config::enable_controllers_in_parents
    bool shared_parent_ = false;      // no cgroupsPath: <own>/crun-lite/<id>
    // Config::rootless: a device filter is a BPF program, which takes
    // CAP_BPF or CAP_SYS_ADMIN on the host; without it, as runc, the
    // container has only the devices it was given (bound, never mknod'ed).
    bool rootless_ = false;
    std::vector<std::string> notes_;
    common::UniqueFd dir_fd_;
};

}  // namespace cgroups
