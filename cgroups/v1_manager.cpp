#include "cgroups/v1_manager.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cgroups/convert.hpp"
#include "cgroups/device_rules.hpp"
#include "cgroups/dirs.hpp"
#include "cgroups/joined.hpp"
#include "cgroups/signal_all.hpp"
#include "cgroups/unified.hpp"
#include "cgroups/v1_resources.hpp"
#include "cgroups/v2_devices.hpp"
#include "cgroups/v2_resources.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "common/unique_fd.hpp"

namespace cgroups {

namespace {
constexpr int kFreezeTimeoutMs = 5000;

bool has_controller(const V1Manager::Dir& d, std::string_view c) {
    return std::find(d.controllers.begin(), d.controllers.end(), c) != d.controllers.end();
}

bool owns_leaf(const V1Manager::Dir& d) {
    return std::find(d.created.begin(), d.created.end(), d.path) != d.created.end();
}

std::vector<std::string> without(std::vector<std::string> dirs, const std::string& dir) {
    dirs.erase(std::remove(dirs.begin(), dirs.end(), dir), dirs.end());
    return dirs;
}

std::string own_dir(const std::string& mount_point, const std::string& own) {
    return own == "/" ? mount_point : mount_point + own;
}

// Before removing a cgroup below the container's: what still runs there
// must go (a busy cgroup cannot be removed), and a frozen v1 task does not
// act on SIGKILL until thawed.
void evict(const std::string& dir, bool freezer) {
    if (freezer) {
        const ControlDir d(dir);
        auto state = d.read("freezer.state");
        if (state && trim(*state) != "THAWED") d.try_write("freezer.state", "THAWED");
    }
    std::vector<pid_t> pids;
    try {
        pids = read_pids(dir);
    } catch (const common::Error&) {
        return;  // gone meanwhile; the rmdir says the rest
    }
    for (pid_t pid : pids)
        if (::kill(pid, SIGKILL) < 0 && errno != ESRCH)
            common::throw_errno("kill " + std::to_string(pid) + " (in " + dir + ")");
}
}  // namespace

V1Manager::V1Manager(const Layout& layout, const Config& config)
    : enable_in_parents_(config.enable_controllers_in_parents.value_or(false)),
      shared_parent_(!config.cgroups_path) {
    for (auto& h : layout.v1) {
        Dir d;
        d.name = h.name;
        d.controllers = h.controllers;
        d.mount_point = h.mount_point;
        d.path = h.mount_point + container_path(config, h.own);
        d.own = own_dir(h.mount_point, h.own);
        dirs_.push_back(std::move(d));
    }
    if (layout.unified) {
        Dir d;
        d.name = layout.unified->mount_point.substr(layout.unified->mount_point.rfind('/') + 1);
        d.mount_point = layout.unified->mount_point;
        d.path = d.mount_point + container_path(config, layout.unified->own);
        d.own = own_dir(d.mount_point, layout.unified->own);
        d.unified = true;
        dirs_.push_back(std::move(d));
    }
    if (dirs_.empty()) throw common::Error("cgroups: no cgroup hierarchy is mounted");
}

const V1Manager::Dir* V1Manager::find(std::string_view controller) const {
    for (auto& d : dirs_)
        if (!d.unified && has_controller(d, controller)) return &d;
    return nullptr;
}

const V1Manager::Dir* V1Manager::unified_dir() const {
    for (auto& d : dirs_)
        if (d.unified) return &d;
    return nullptr;
}

ControlDir V1Manager::require(std::string_view controller, std::string_view field) const {
    if (auto d = find(controller)) return ControlDir(d->path);
    not_supported(field, std::string(controller) + " hierarchy");
}

void V1Manager::enable_unified(const std::string& controller, std::string_view field) const {
    auto u = unified_dir();
    unified::enable_controller(u->mount_point, u->path, controller, field, u->created, enable_in_parents_);
}

bool V1Manager::in_unified(const std::string& controller) const {
    auto u = unified_dir();
    return u && unified::controllers(u->mount_point).count(controller);
}

void V1Manager::create() {
    try {
        for (auto& d : dirs_) make_dirs(d.mount_point, d.path, d.created);
        // Before anything is written to a cgroup that was there already.
        refuse_frozen();
        warn_if_busy();
        for (auto& d : dirs_) {
            if (has_controller(d, "cpuset")) v1::ensure_cpuset(d.mount_point, d.path);
            if (has_controller(d, "devices")) fresh_devices_ = owns_leaf(d);
            if (shared_parent_) share_parent(d.path, d.created);
        }
    } catch (...) {
        // Leave nothing half-made behind: the caller has no manager state
        // to clean up with yet.
        for (auto& d : dirs_) {
            try {
                remove_dirs(d.created, d.path);
            } catch (...) {
            }
            d.created.clear();
        }
        throw;
    }
}

void V1Manager::refuse_frozen() const {
    // Both the v1 freezer and the unified hierarchy can freeze a task;
    // d.created holds exactly what create() made at this point.
    for (auto& d : dirs_) {
        if (!may_be_frozen(d.created, d.path, d.own)) continue;
        if (d.unified)
            refuse_frozen_unified(d.path);
        else if (has_controller(d, "freezer"))
            refuse_frozen_v1(d.path);
    }
}

void V1Manager::warn_if_busy() const {
    // Only a cgroup that was there already can hold processes. runc looks
    // at one hierarchy (devices); a process left in any of them shares the
    // container's limits, so the first one found is reported.
    for (auto& d : dirs_)
        if (!owns_leaf(d) && warn_if_not_empty(d.path)) return;
}

void V1Manager::apply(const oci::Resources& r) {
    notes_.clear();
    if (!r.devices.empty()) {
        if (auto d = find("devices")) {
            v1::apply_devices(ControlDir(d->path), r.devices, fresh_devices_);
            fresh_devices_ = false;
        } else if (auto u = unified_dir()) {
            // No v1 devices controller: the unified hierarchy's eBPF hook
            // filters the same accesses.
            auto fd = common::open_or_throw(u->path, O_RDONLY | O_DIRECTORY);
            attach_device_filter(fd.get(), u->path, make_device_filter(r.devices));
        } else {
            not_supported("devices", "devices hierarchy");
        }
    }
    if (r.cpu) {
        // cpuset first: a container's cpus must be valid before its quota
        // is sized for them.
        if (v2::wants_cpuset(*r.cpu)) v1::apply_cpuset(require("cpuset", "cpu.cpus"), *r.cpu);
        if (v2::wants_cpu(*r.cpu) || v2::wants_realtime(*r.cpu)) v1::apply_cpu(require("cpu", "cpu"), *r.cpu);
    }
    if (r.memory && v2::wants_memory(*r.memory)) v1::apply_memory(require("memory", "memory"), *r.memory, notes_);
    if (r.pids) v1::apply_pids(require("pids", "pids"), *r.pids);
    if (r.blockIO && v2::wants_io(*r.blockIO)) v1::apply_blkio(require("blkio", "blockIO"), *r.blockIO);
    if (!r.hugepageLimits.empty()) {
        if (auto d = find("hugetlb")) {
            v1::apply_hugetlb(ControlDir(d->path), r.hugepageLimits);
        } else if (in_unified("hugetlb")) {
            enable_unified("hugetlb", "hugepageLimits");
            v2::apply_hugetlb(ControlDir(unified_dir()->path), r.hugepageLimits);
        } else {
            not_supported("hugepageLimits", "hugetlb controller");
        }
    }
    if (!r.rdma.empty()) {
        if (auto d = find("rdma")) {
            v1::apply_rdma(ControlDir(d->path), r.rdma);
        } else if (in_unified("rdma")) {
            enable_unified("rdma", "rdma");
            v2::apply_rdma(ControlDir(unified_dir()->path), r.rdma);
        } else {
            not_supported("rdma", "rdma controller");
        }
    }
    if (r.network) {
        if (r.network->classID) v1::apply_net_cls(require("net_cls", "network.classID"), *r.network);
        if (!r.network->priorities.empty())
            v1::apply_net_prio(require("net_prio", "network.priorities"), *r.network);
    }
    for (auto& [key, value] : r.unified) {
        v2::validate_unified_key(key);
        auto u = unified_dir();
        const std::string controller = unified::controller_of(key);
        // On a hybrid host a v1 controller's files do not exist in the
        // unified hierarchy; only v2-bound controllers (and the core
        // cgroup.* files) can be set this way.
        if (!u || (controller != "cgroup" && !in_unified(controller)))
            throw common::Error("linux.resources.unified[\"" + key + "\"]: the " + controller +
                                    " controller is not in the unified (cgroup v2) hierarchy on this host",
                                ENOTSUP);
        enable_unified(controller, "unified[\"" + key + "\"]");
        v2::apply_unified_entry(ControlDir(u->path), key, value);
    }
}

void V1Manager::add_process(pid_t pid) {
    for (auto& d : dirs_) write_pid(d.path, pid);
}

int V1Manager::clone_into_fd() {
    const Dir* u = unified_dir();
    if (!u || !owns_leaf(*u)) return -1;
    if (!unified_fd_) unified_fd_ = common::open_or_throw(u->path, O_RDONLY | O_DIRECTORY);
    return unified_fd_.get();
}

std::vector<std::string> V1Manager::self_join_files() const {
    std::vector<std::string> files;
    for (const auto& d : dirs_) {
        if (!d.unified) files.push_back(d.path + "/tasks");
        else if (!owns_leaf(d)) files.push_back(d.path + "/cgroup.procs");  // see clone_into_fd
    }
    return files;
}

void V1Manager::set_frozen_v1(const Dir& freezer, bool frozen) {
    ControlDir d(freezer.path);
    const char* want = frozen ? "FROZEN" : "THAWED";
    // FREEZING can last while a task sits in an uninterruptible sleep;
    // writing the request again nudges the freezer (it retries the tasks).
    for (int attempt = 0; attempt < kFreezeTimeoutMs / 100; ++attempt) {
        int err = d.try_write("freezer.state", want);
        if (err != 0) common::throw_errno("write " + d.file("freezer.state"), err);
        if (poll_until([&] { return d.read_value("freezer.state") == want; }, 100)) return;
    }
    if (frozen) {
        // Do not leave the container half-frozen.
        d.try_write("freezer.state", "THAWED");
    }
    throw common::Error("cgroups: " + d.file("freezer.state") + " did not become " + want + " within " +
                        std::to_string(kFreezeTimeoutMs / 1000) + " s");
}

void V1Manager::freeze() {
    if (auto d = find("freezer")) return set_frozen_v1(*d, true);
    if (auto u = unified_dir()) return unified::set_frozen(u->path, true);
    throw common::Error("cgroups: cannot freeze: no freezer hierarchy on this host", ENOTSUP);
}

void V1Manager::thaw() {
    if (auto d = find("freezer")) return set_frozen_v1(*d, false);
    if (auto u = unified_dir()) return unified::set_frozen(u->path, false);
    throw common::Error("cgroups: cannot thaw: no freezer hierarchy on this host", ENOTSUP);
}

bool V1Manager::frozen() const {
    if (auto d = find("freezer")) return ControlDir(d->path).read_value("freezer.state") == "FROZEN";
    if (auto u = unified_dir()) return unified::is_frozen(u->path);
    return false;
}

std::vector<pid_t> V1Manager::pids() const {
    const Dir* d = find("pids");
    if (!d) d = find("memory");
    if (!d) d = &dirs_.front();
    return read_pids_below(d->path);
}

void V1Manager::kill_all(int signal) {
    // cgroup.kill is atomic against forks, but it is only as complete as
    // the unified cgroup's membership: every task we add goes there too.
    if (signal == SIGKILL) {
        if (auto u = unified_dir(); u && unified::kill(u->path)) return;
    }
    signal_all(*this, signal, find("freezer") != nullptr || unified_dir() != nullptr);
}

std::vector<Hierarchy> V1Manager::hierarchies() const {
    std::vector<Hierarchy> out;
    for (auto& d : dirs_) {
        std::string controllers;
        for (const auto& c : d.controllers) controllers += (controllers.empty() ? "" : ",") + c;
        out.push_back({d.name, d.path, d.unified, controllers});
    }
    return out;
}

void V1Manager::destroy() {
    std::optional<common::Error> first;
    auto attempt = [&first](auto&& step) {
        try {
            step();
        } catch (const common::Error& e) {
            if (!first) first = e;
        }
    };
    // The usual case first: the container's cgroup goes at the first
    // rmdir. One that does not (EBUSY) may hold cgroups the container made
    // inside it: those go first, deepest first (runc's RemovePath); inside
    // a cgroup we did not make, nothing is ours to remove. What still runs
    // in them is killed in every hierarchy before any rmdir of theirs: a
    // task a v1 sub-cgroup keeps frozen acts on SIGKILL only once thawed,
    // and it holds its cgroups in all the other hierarchies.
    std::vector<const Dir*> busy;
    std::vector<const Dir*> gone;
    for (auto& d : dirs_)
        if (owns_leaf(d)) (remove_now(d.path) ? gone : busy).push_back(&d);
    for (const Dir* d : busy) {
        const bool freezer = has_controller(*d, "freezer");
        attempt([&] {
            for (auto& sub : descendants(d->path)) evict(sub, freezer);
        });
    }
    auto in = [](const std::vector<const Dir*>& list, const Dir& d) {
        return std::find(list.begin(), list.end(), &d) != list.end();
    };
    for (auto& d : dirs_) {
        attempt([&] {
            if (in(busy, d)) remove_descendants(d.path, nullptr);
            remove_dirs(in(gone, d) ? without(d.created, d.path) : d.created, d.path);
        });
    }
    if (first) throw *first;
}

namespace {
template <typename Created>
std::string v1_json(const std::vector<V1Manager::Dir>& dirs, bool enable_in_parents, Created created_of) {
    nlohmann::json list = nlohmann::json::array();
    for (auto& d : dirs)
        list.push_back({{"name", d.name},
                        {"controllers", d.controllers},
                        {"mount_point", d.mount_point},
                        {"path", d.path},
                        {"created", created_of(d)},
                        {"unified", d.unified}});
    return nlohmann::json{{"kind", "v1"}, {"enable_in_parents", enable_in_parents}, {"dirs", list}}.dump();
}
}  // namespace

std::string V1Manager::save() const {
    return v1_json(dirs_, enable_in_parents_, [](const Dir& d) { return d.created; });
}

std::string V1Manager::save_planned() const {
    return v1_json(dirs_, enable_in_parents_, [&](const Dir& d) {
        std::vector<std::string> planned = missing_dirs(d.mount_point, d.path);
        if (shared_parent_) share_parent(d.path, planned);
        return planned;
    });
}

std::unique_ptr<V1Manager> V1Manager::from_json(const nlohmann::json& saved) {
    std::vector<Dir> dirs;
    for (auto& j : saved.at("dirs")) {
        Dir d;
        d.name = j.at("name").get<std::string>();
        d.controllers = j.at("controllers").get<std::vector<std::string>>();
        d.mount_point = j.at("mount_point").get<std::string>();
        d.path = j.at("path").get<std::string>();
        d.created = j.at("created").get<std::vector<std::string>>();
        d.unified = j.at("unified").get<bool>();
        dirs.push_back(std::move(d));
    }
    if (dirs.empty()) throw common::Error("cgroups: saved v1 state lists no directories");
    return std::make_unique<V1Manager>(std::move(dirs), saved.value("enable_in_parents", false));
}

}  // namespace cgroups
