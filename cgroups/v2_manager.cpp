#include "cgroups/v2_manager.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cgroups/control_dir.hpp"
#include "cgroups/convert.hpp"
#include "cgroups/device_rules.hpp"
#include "cgroups/dirs.hpp"
#include "cgroups/joined.hpp"
#include "cgroups/signal_all.hpp"
#include "cgroups/unified.hpp"
#include "cgroups/v2_devices.hpp"
#include "cgroups/v2_resources.hpp"
#include "common/error.hpp"
#include "common/file.hpp"

namespace cgroups {

V2Manager::V2Manager(const UnifiedHierarchy& hierarchy, const Config& config)
    : mount_point_(hierarchy.mount_point),
      path_(hierarchy.mount_point + container_path(config, hierarchy.own)),
      own_(hierarchy.own == "/" ? hierarchy.mount_point : hierarchy.mount_point + hierarchy.own),
      enable_in_parents_(config.enable_controllers_in_parents.value_or(::geteuid() == 0)),
      shared_parent_(!config.cgroups_path),
      rootless_(config.rootless) {}

void V2Manager::create() {
    try {
        make_dirs(mount_point_, path_, created_);
        if (may_be_frozen(created_, path_, own_)) refuse_frozen_unified(path_);
        if (!owns_leaf()) warn_if_not_empty(path_);
        if (enable_in_parents_)
            unified::enable_all_in_ancestors(mount_point_, path_);
        else
            unified::enable_in_created(created_, path_);
        if (shared_parent_) share_parent(path_, created_);
    } catch (...) {
        try {
            remove_dirs(created_, path_);
        } catch (...) {
        }
        created_.clear();
        throw;
    }
}

void V2Manager::need(const std::string& controller, std::string_view field) const {
    unified::enable_controller(mount_point_, path_, controller, field, created_, enable_in_parents_);
}

void V2Manager::apply(const oci::Resources& r) {
    notes_.clear();
    ControlDir dir(path_);
    if (!r.devices.empty() && !rootless_) {
        auto fd = common::open_or_throw(path_, O_RDONLY | O_DIRECTORY);
        attach_device_filter(fd.get(), path_, make_device_filter(r.devices));
    }
    if (r.cpu) {
        if (v2::wants_realtime(*r.cpu))
            not_supported(r.cpu->realtimeRuntime ? "cpu.realtimeRuntime" : "cpu.realtimePeriod",
                          "real-time group scheduling on cgroup v2");
        if (v2::wants_cpuset(*r.cpu)) {
            need("cpuset", "cpu.cpus");
            v2::apply_cpuset(dir, *r.cpu);
        }
        if (v2::wants_cpu(*r.cpu)) {
            need("cpu", "cpu");
            v2::apply_cpu(dir, *r.cpu);
        }
    }
    if (r.memory && v2::wants_memory(*r.memory)) {
        need("memory", "memory");
        v2::apply_memory(dir, *r.memory, notes_);
    }
    if (r.pids) {
        need("pids", "pids");
        v2::apply_pids(dir, *r.pids);
    }
    if (r.blockIO && v2::wants_io(*r.blockIO)) {
        need("io", "blockIO");
        v2::apply_io(dir, *r.blockIO);
    }
    if (!r.hugepageLimits.empty()) {
        need("hugetlb", "hugepageLimits");
        v2::apply_hugetlb(dir, r.hugepageLimits);
    }
    if (!r.rdma.empty()) {
        need("rdma", "rdma");
        v2::apply_rdma(dir, r.rdma);
    }
    if (r.network && (r.network->classID || !r.network->priorities.empty()))
        not_supported(r.network->classID ? "network.classID" : "network.priorities", "net_cls/net_prio on cgroup v2");
    for (auto& [key, value] : r.unified) {
        v2::validate_unified_key(key);
        need(unified::controller_of(key), "unified[\"" + key + "\"]");
        v2::apply_unified_entry(dir, key, value);
    }
}

void V2Manager::add_process(pid_t pid) { write_pid(path_, pid); }

int V2Manager::clone_into_fd() {
    if (!owns_leaf()) return -1;  // see Manager::clone_into_fd
    if (!dir_fd_) dir_fd_ = common::open_or_throw(path_, O_RDONLY | O_DIRECTORY);
    return dir_fd_.get();
}

std::vector<std::string> V2Manager::self_join_files() const {
    if (owns_leaf()) return {};
    return {path_ + "/cgroup.procs"};
}

void V2Manager::freeze() { unified::set_frozen(path_, true); }
void V2Manager::thaw() { unified::set_frozen(path_, false); }
bool V2Manager::frozen() const { return unified::is_frozen(path_); }
std::vector<pid_t> V2Manager::pids() const { return read_pids_below(path_); }

bool V2Manager::owns_leaf() const { return std::find(created_.begin(), created_.end(), path_) != created_.end(); }

void V2Manager::kill_all(int signal) {
    if (signal == SIGKILL && unified::kill(path_)) return;
    signal_all(*this, signal, true);
}

std::vector<Hierarchy> V2Manager::hierarchies() const { return {{"", path_, true}}; }

void V2Manager::destroy() {
    dir_fd_.reset();
    // The usual case first: the container's cgroup goes at the first
    // rmdir. One that does not may hold cgroups the container made inside
    // it: those go first, deepest first; inside a cgroup we did not make,
    // nothing is ours to remove.
    std::vector<std::string> rest = created_;
    if (owns_leaf() && remove_now(path_)) {
        rest.erase(std::remove(rest.begin(), rest.end(), path_), rest.end());
    } else if (owns_leaf()) {
        remove_descendants(path_, [](const std::string& sub) {
            // cgroup.kill reaches frozen tasks too; without it, one by one.
            // A cgroup gone meanwhile is fine: the rmdir says the rest.
            try {
                if (!unified::kill(sub))
                    for (pid_t pid : read_pids(sub)) ::kill(pid, SIGKILL);
            } catch (const common::Error&) {
            }
        });
    }
    remove_dirs(rest, path_);
}

namespace {
std::string v2_json(const std::string& mount_point, const std::string& path, const std::vector<std::string>& created,
                    bool enable_in_parents, bool rootless) {
    nlohmann::json j{{"kind", "v2"},
                     {"mount_point", mount_point},
                     {"path", path},
                     {"created", created},
                     {"enable_in_parents", enable_in_parents}};
    if (rootless) j["rootless"] = true;
    return j.dump();
}
}  // namespace

std::string V2Manager::save() const { return v2_json(mount_point_, path_, created_, enable_in_parents_, rootless_); }

std::string V2Manager::save_planned() const {
    std::vector<std::string> planned = missing_dirs(mount_point_, path_);
    if (shared_parent_) share_parent(path_, planned);
    return v2_json(mount_point_, path_, planned, enable_in_parents_, rootless_);
}

std::unique_ptr<V2Manager> V2Manager::from_json(const nlohmann::json& saved) {
    return std::make_unique<V2Manager>(saved.at("mount_point").get<std::string>(), saved.at("path").get<std::string>(),
                                       saved.at("created").get<std::vector<std::string>>(),
                                       saved.value("enable_in_parents", false), saved.value("rootless", false));
}

}  // namespace cgroups
