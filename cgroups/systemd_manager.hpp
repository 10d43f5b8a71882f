// The systemd cgroup driver (--systemd-cgroup): the container's processes
// live in a transient scope unit that systemd makes around the init's pid
// (StartTransientUnit, Delegate=yes), with linux.resources as unit
// properties so that systemd keeps them. Everything below the unit (the
// files systemd cannot express, freezing, stats, the pids, signals) is the
// work of a cgroupfs manager (v2, or v1 on a hybrid/legacy host) pointed at
// the scope's cgroup: the same writers as without systemd.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "cgroups/paths.hpp"
#include "cgroups/systemd_units.hpp"

namespace cgroups::systemd {

class Client;

class SystemdManager final : public Manager {
public:
    struct Unit {
        Placement placement;
        bool user = false;        // the caller's user instance, not the system's
        bool v2 = true;           // systemd runs the unified hierarchy
        std::string cgroup;       // the scope's cgroup, from its hierarchy's root
        std::string track_mount;  // the hierarchy systemd tracks units in
        // The slices of the placement that were not running before this
        // container (outermost first): its delete stops those it leaves empty.
        std::vector<std::string> created_slices;
        // The unit ran already when this container started (same name):
        // the container joined it, and its delete does not stop it.
        bool joined = false;
    };

    // `started`: the unit exists (a manager loaded from state). `client`:
    // a connection to reuse; one is made on first need otherwise.
    SystemdManager(Unit unit, std::unique_ptr<Manager> files, bool started, std::unique_ptr<Client> client = nullptr);
    ~SystemdManager() override;
    static std::unique_ptr<SystemdManager> from_json(const nlohmann::json& saved);

    // Nothing to make yet: the unit needs the init's pid (add_process).
    // On a v1 host, the hierarchies systemd does not manage (freezer,
    // cpuset, ...) get their directories here, as the cgroupfs manager
    // makes them.
    void create() override;
    // Before the unit exists: kept for add_process. Afterwards (update):
    // SetUnitProperties, then the cgroup files.
    void apply(const oci::Resources& resources) override;
    // The first call starts the unit with `pid` in it, then writes the
    // files; later ones move `pid` into the scope's cgroup.
    void add_process(pid_t pid) override;
    bool needs_pid() const override { return true; }
    // Before the unit exists, nothing to join (the launcher's add_process
    // makes it around the init); afterwards (exec), the scope's cgroup as
    // the cgroupfs manager joins it.
    int clone_into_fd() override { return started_ ? files_->clone_into_fd() : -1; }
    std::vector<std::string> self_join_files() const override {
        return started_ ? files_->self_join_files() : std::vector<std::string>{};
    }
    void freeze() override;
    void thaw() override;
    bool frozen() const override;
    std::vector<pid_t> pids() const override;
    void kill_all(int signal) override;
    Stats stats() const override;
    std::vector<Hierarchy> hierarchies() const override;
    // Stops the unit if it started it or was reloaded from state (systemd
    // kills what is left and removes its cgroup), removes what create()
    // made, then the slices it started that hold nothing else.
    void destroy() override;
    std::string save() const override;
    std::string save_planned() const override;
    std::vector<std::string> notes() const override { return notes_; }

    const Unit& unit() const { return unit_; }

private:
    Client& client() const;
    bool collected() const;
    template <typename T, typename Op>
    T unless_collected(T gone, Op op) const;
    void start(pid_t pid);
    void stop_created_slices();

    Unit unit_;
    std::unique_ptr<Manager> files_;
    bool started_ = false;
    std::optional<oci::Resources> resources_;  // apply() before the unit exists
    std::vector<std::string> notes_;
    mutable std::unique_ptr<Client> client_;
};

// Whether --systemd-cgroup can work here: systemd is PID 1, and the
// cgroupsPath is a valid "slice:prefix:name". Throws naming the path and
// the flag otherwise. Touches nothing: create calls it before it claims
// the container's id.
void check_placement(const Config& config);

// The manager for `config` (Config::systemd) on `layout`: asks systemd
// which slices of the placement are running, and for the user's manager's
// own cgroup when not root.
std::unique_ptr<Manager> make_systemd_manager(const Config& config, const Layout& layout);

}  // namespace cgroups::systemd
