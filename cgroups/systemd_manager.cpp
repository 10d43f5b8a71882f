#include "cgroups/systemd_manager.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "cgroups/factory.hpp"
#include "cgroups/systemd_client.hpp"
#include "cgroups/v1_manager.hpp"
#include "cgroups/v2_manager.hpp"
#include "cgroups/warnings.hpp"
#include "common/error.hpp"

namespace cgroups::systemd {

namespace {

std::string path_text(const Config& config) { return config.cgroups_path.value_or(""); }

// A directory with a subdirectory: a cgroup with cgroups below it.
bool has_children(const std::string& dir) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return false;
    while (const dirent* e = ::readdir(d.get())) {
        if (e->d_type == DT_DIR && std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..")
            return true;
    }
    return false;
}

// The cgroupfs manager for the scope's cgroup `cgroup` (from the hierarchy
// roots). On v2 it makes nothing (systemd does; created stays empty, so its
// destroy removes nothing); on v1 its create() makes the directories in
// the hierarchies systemd leaves alone.
std::unique_ptr<Manager> files_manager(const Config& config, const Layout& layout, const std::string& cgroup) {
    if (layout.v2) return std::make_unique<V2Manager>(layout.unified->mount_point, layout.unified->mount_point + cgroup,
                                                      std::vector<std::string>{}, false);
    Config c = config;
    c.systemd = false;
    c.cgroups_path = cgroup;
    c.enable_controllers_in_parents = false;
    return std::make_unique<V1Manager>(layout, c);
}

nlohmann::json unit_json(const SystemdManager::Unit& u) {
    return {{"unit", u.placement.unit},         {"slice", u.placement.slice}, {"user", u.user},
            {"v2", u.v2},                       {"cgroup", u.cgroup},         {"track_mount", u.track_mount},
            {"created_slices", u.created_slices}, {"joined", u.joined}};
}

}  // namespace

SystemdManager::SystemdManager(Unit unit, std::unique_ptr<Manager> files, bool started, std::unique_ptr<Client> client)
    : unit_(std::move(unit)), files_(std::move(files)), started_(started), client_(std::move(client)) {}

SystemdManager::~SystemdManager() = default;

Client& SystemdManager::client() const {
    if (!client_) client_ = Client::connect(unit_.user);
    return *client_;
}

void SystemdManager::create() {
    // Only the v1 manager has directories of its own to make; on v2 the
    // scope's cgroup is systemd's alone.
    if (!unit_.v2) files_->create();
}

void SystemdManager::start(pid_t pid) {
    Properties props = base_properties(unit_.placement, unit_.v2);
    props.push_back({"PIDs", std::vector<uint32_t>{static_cast<uint32_t>(pid)}});
    oci::Resources r = resources_.value_or(oci::Resources{});
    Properties res = resource_properties(r, unit_.v2, client().version(), notes_);
    props.insert(props.end(), res.begin(), res.end());
    if (!client().start_transient_unit(unit_.placement.unit, props)) {
        // The unit runs already (another container asked for the same
        // name): as runc, the container joins it, with its resources set on
        // it, and the warning the cgroupfs driver gives for a cgroup that
        // holds processes. Its delete leaves the unit to whoever started it.
        warn("systemd unit " + unit_.placement.unit + " exists already: the container joins it");
        unit_.joined = true;
        if (!res.empty()) client().set_unit_properties(unit_.placement.unit, res);
        files_->add_process(pid);
    }
    started_ = true;
    // systemd is the authority on where the scope went; a placement that
    // differs from what the slice rules say is a bug to hear about.
    try {
        const std::string cg = client().unit_string(unit_.placement.unit, "org.freedesktop.systemd1.Scope", "ControlGroup");
        if (!cg.empty() && cg != unit_.cgroup)
            warn("systemd put " + unit_.placement.unit + " in " + cg + ", not " + unit_.cgroup);
    } catch (const common::Error& e) {
        warn(e.what());
    }
    // What systemd cannot express, and what it can, as runc does: the
    // files say the same as the unit, so nothing waits for systemd.
    files_->apply(r);
    for (auto& n : files_->notes()) notes_.push_back(n);
    // The hierarchies systemd does not manage (v1 freezer, cpuset, ...).
    if (!unit_.v2) files_->add_process(pid);
}

void SystemdManager::apply(const oci::Resources& resources) {
    notes_.clear();
    if (!started_) {
        resources_ = resources;
        return;
    }
    oci::Resources r = resources;
    Properties props = resource_properties(r, unit_.v2, client().version(), notes_);
    if (!props.empty()) client().set_unit_properties(unit_.placement.unit, props);
    files_->apply(r);
    for (auto& n : files_->notes()) notes_.push_back(n);
}

void SystemdManager::add_process(pid_t pid) {
    if (!started_) {
        start(pid);
        return;
    }
    files_->add_process(pid);
}

// systemd collects a scope as soon as its last process exits, cgroup and
// all: a cgroup gone is a scope with nothing left in it, not an error
// (delete -f kills, then reads whether the cgroup is frozen).
bool SystemdManager::collected() const {
    return started_ && ::access((unit_.track_mount + unit_.cgroup).c_str(), F_OK) != 0 && errno == ENOENT;
}

// Runs `op` on the scope's files; if they vanish meanwhile (collected),
// `gone` is the answer.
template <typename T, typename Op>
T SystemdManager::unless_collected(T gone, Op op) const {
    if (collected()) return gone;
    try {
        return op();
    } catch (const common::Error&) {
        if (collected()) return gone;
        throw;
    }
}

void SystemdManager::freeze() { files_->freeze(); }
void SystemdManager::thaw() {
    unless_collected(true, [&] { return files_->thaw(), true; });
}
bool SystemdManager::frozen() const {
    return unless_collected(false, [&] { return files_->frozen(); });
}
std::vector<pid_t> SystemdManager::pids() const {
    return unless_collected(std::vector<pid_t>{}, [&] { return files_->pids(); });
}
void SystemdManager::kill_all(int signal) {
    unless_collected(true, [&] { return files_->kill_all(signal), true; });
}
Stats SystemdManager::stats() const { return files_->stats(); }
std::vector<Hierarchy> SystemdManager::hierarchies() const { return files_->hierarchies(); }

void SystemdManager::stop_created_slices() {
    // Deepest first; one that holds another unit's cgroup (another
    // container's scope) stays, and so do the slices around it.
    for (auto it = unit_.created_slices.rbegin(); it != unit_.created_slices.rend(); ++it) {
        const std::string key = "/" + *it + "/";
        const size_t at = unit_.cgroup.find(key);
        if (at == std::string::npos) continue;
        if (has_children(unit_.track_mount + unit_.cgroup.substr(0, at + key.size() - 1))) return;
        try {
            client().stop_unit(*it);
        } catch (const common::Error& e) {
            // The container is gone; a slice left running is untidy, not an error of its delete.
            warn(std::string("could not stop ") + *it + ": " + e.what());
            return;
        }
    }
}

void SystemdManager::destroy() {
    // A frozen scope cannot be stopped: its processes never see the SIGTERM.
    try {
        if (files_->frozen()) files_->thaw();
    } catch (const common::Error&) {
    }
    // Only a unit this manager started (or one reloaded from state, which
    // a create of ours recorded), not one it joined: that is another
    // container's.
    if (started_ && !unit_.joined) client().stop_unit(unit_.placement.unit);
    files_->destroy();
    stop_created_slices();
}

std::string SystemdManager::save() const {
    nlohmann::json j = unit_json(unit_);
    j["kind"] = "systemd";
    j["files"] = nlohmann::json::parse(files_->save());
    return j.dump();
}

std::string SystemdManager::save_planned() const {
    nlohmann::json j = unit_json(unit_);
    j["kind"] = "systemd";
    j["files"] = nlohmann::json::parse(files_->save_planned());
    return j.dump();
}

std::unique_ptr<SystemdManager> SystemdManager::from_json(const nlohmann::json& saved) {
    Unit u;
    u.placement.unit = saved.at("unit").get<std::string>();
    u.placement.slice = saved.at("slice").get<std::string>();
    u.user = saved.at("user").get<bool>();
    u.v2 = saved.at("v2").get<bool>();
    u.cgroup = saved.at("cgroup").get<std::string>();
    u.track_mount = saved.at("track_mount").get<std::string>();
    u.created_slices = saved.at("created_slices").get<std::vector<std::string>>();
    u.joined = saved.value("joined", false);
    return std::make_unique<SystemdManager>(std::move(u), load_manager(saved.at("files").dump()), true);
}

void check_placement(const Config& config) {
    // The path first: a malformed one is wrong on any host.
    parse_cgroups_path(config.cgroups_path, config.container_id, ::geteuid() != 0);
    if (!booted())
        throw common::Error("linux.cgroupsPath \"" + path_text(config) +
                            "\": --systemd-cgroup needs systemd as PID 1, and it is not running on this host (no "
                            "/run/systemd/system); leave out --systemd-cgroup to use the cgroupfs driver");
}

std::unique_ptr<Manager> make_systemd_manager(const Config& config, const Layout& layout) {
    check_placement(config);
    SystemdManager::Unit u;
    u.user = ::geteuid() != 0;
    u.placement = parse_cgroups_path(config.cgroups_path, config.container_id, u.user);
    u.v2 = layout.v2;
    // systemd tracks units in the unified hierarchy when there is one
    // (v2, hybrid), else in its own name=systemd hierarchy.
    if (layout.unified) {
        u.track_mount = layout.unified->mount_point;
    } else {
        for (const auto& h : layout.v1)
            for (const auto& c : h.controllers)
                if (c == "name=systemd") u.track_mount = h.mount_point;
    }
    if (u.track_mount.empty())
        throw common::Error("linux.cgroupsPath \"" + path_text(config) +
                            "\": --systemd-cgroup: no cgroup hierarchy of systemd's is mounted here");
    auto client = Client::connect(u.user);
    // A user instance's units live below its own cgroup
    // (/user.slice/user-1000.slice/user@1000.service).
    const std::string base = u.user ? client->manager_string("ControlGroup") : "";
    u.cgroup = base + expand_slice(u.placement.slice) + "/" + u.placement.unit;
    for (const auto& slice : slice_chain(u.placement.slice)) {
        auto state = client->active_state(slice);
        if (!state || *state != "active") u.created_slices.push_back(slice);
    }
    auto files = files_manager(config, layout, u.cgroup);
    return std::make_unique<SystemdManager>(std::move(u), std::move(files), false, std::move(client));
}

}  // namespace cgroups::systemd
