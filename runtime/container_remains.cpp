#include "runtime/container_remains.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "cgroups/control_dir.hpp"
#include "cgroups/dirs.hpp"
#include "cgroups/paths.hpp"
#include "cgroups/unified.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/logging.hpp"
#include "runtime/process_info.hpp"

namespace runtime {

namespace {

// Collects the scalar members of the top-level object as the parser meets
// them. A value is kept only when the next member's key or the closing
// brace follows it, proof that it was read whole.
class TopLevelMembers : public nlohmann::json_sax<nlohmann::json> {
public:
    explicit TopLevelMembers(SalvagedState& out) : out_(out) {}

    bool null() override { return pending({}); }
    bool boolean(bool) override { return pending({}); }
    bool number_integer(number_integer_t v) override { return v < 0 ? pending({}) : number(static_cast<uint64_t>(v)); }
    bool number_unsigned(number_unsigned_t v) override { return number(v); }
    bool number_float(number_float_t, const string_t&) override { return pending({}); }
    bool string(string_t& v) override {
        Value value;
        value.text = v;
        value.is_string = true;
        return pending(value);
    }
    bool binary(binary_t&) override { return pending({}); }
    bool start_object(std::size_t) override {
        ++depth_;
        return true;
    }
    bool key(string_t& k) override {
        if (depth_ == 1) {
            commit();
            key_ = k;
        }
        return true;
    }
    bool end_object() override {
        if (depth_ == 1) commit();
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        return true;
    }
    bool end_array() override {
        --depth_;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    struct Value {
        std::string text;
        uint64_t number = 0;
        bool is_string = false;
        bool is_number = false;
    };

    bool number(uint64_t v) {
        Value value;
        value.number = v;
        value.is_number = true;
        return pending(value);
    }
    bool pending(const Value& v) {
        if (depth_ == 1 && !key_.empty()) value_ = v;
        return true;
    }
    void commit() {
        if (!value_) return;
        const Value v = *value_;
        value_.reset();
        auto text = [&](std::string& field) {
            if (v.is_string) field = v.text;
        };
        if (key_ == "id") text(out_.id);
        if (key_ == "bundle") text(out_.bundle);
        if (key_ == "rootfs") text(out_.rootfs);
        if (key_ == "created") text(out_.created);
        if (key_ == "owner") text(out_.owner);
        if (key_ == "cgroup") text(out_.cgroup);
        if (key_ == "overlayDir") text(out_.overlay_dir);
        if (key_ == "sharedMountNs") text(out_.shared_mount_ns);
        if (!v.is_number) return;
        if (key_ == "pid" && v.number <= 4194304) out_.pid = static_cast<pid_t>(v.number);  // PID_MAX_LIMIT
        if (key_ == "pidStartTime") out_.pid_start_time = v.number;
        if (key_ == "sharedRootfsMount") out_.shared_rootfs_mount = v.number;
    }

    SalvagedState& out_;
    int depth_ = 0;
    std::string key_;
    std::optional<Value> value_;
};

void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
    ::nanosleep(&ts, nullptr);
}

// A cgroup frozen by the v1 freezer (itself, not through a parent) holds
// SIGKILL until thawed; a unified one lets it through, but stays frozen.
// Best effort: the next round of the caller sees what it did not reach.
void thaw_dir(const std::string& dir) {
    const cgroups::ControlDir d(dir);
    try {
        auto state = d.read("freezer.state");
        if (state && state->find("THAWED") == std::string::npos) d.try_write("freezer.state", "THAWED");
        auto freeze = d.read("cgroup.freeze");
        if (freeze && freeze->find('1') != std::string::npos) d.try_write("cgroup.freeze", "0");
    } catch (const common::Error&) {
        // Removed meanwhile (ENODEV), or never there.
    }
}

// SIGKILL to what `dir` holds; true when it held anything.
bool kill_dir(const std::string& dir) {
    std::vector<pid_t> pids;
    try {
        pids = cgroups::read_pids(dir);
    } catch (const common::Error&) {
        return false;  // not there (never made, or removed meanwhile)
    }
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    return !pids.empty();
}

// The directories of the cgroups this runtime runs in, in every hierarchy:
// a cgroupsPath naming one of them or an ancestor of one must not be
// emptied, or the caller would go with the container.
std::vector<std::string> own_cgroups() {
    std::vector<std::string> dirs;
    try {
        const cgroups::Layout layout = cgroups::host_layout();
        auto add = [&](const std::string& mount_point, const std::string& own) {
            dirs.push_back(own == "/" ? mount_point : mount_point + own);
        };
        for (const auto& h : layout.v1) add(h.mount_point, h.own);
        if (layout.unified) add(layout.unified->mount_point, layout.unified->own);
    } catch (const common::Error& e) {
        log_warn(std::string("cgroups: cannot tell which cgroups this runtime runs in: ") + e.what());
    }
    return dirs;
}

void refuse_own_cgroup(const cgroups::Manager& cgroup, const std::string& id) {
    const auto own = own_cgroups();
    for (const auto& h : cgroup.hierarchies()) {
        for (const auto& mine : own) {
            if (mine == h.path || mine.rfind(h.path + "/", 0) == 0) {
                throw common::Error("container \"" + id + "\": its cgroup " + h.path +
                                    " holds this runtime itself (" + mine + "): not killing or removing it");
            }
        }
    }
}

// The container's cgroup as create computes it from the config.json copy;
// null without that copy (create stopped before it, so before any cgroup).
// `shared_parent`: the default path, whose parent crun-lite/ is shared.
std::unique_ptr<cgroups::Manager> planned_cgroup(const ContainerDir& dir, const std::string& id, bool& shared_parent) {
    const std::string path = dir.file("config.json");
    std::optional<std::string> text;
    try {
        text = common::read_file_if_exists(path);
    } catch (const common::Error& e) {
        log_warn(std::string(e.what()) + ": looking at the default cgroup path only");
        text = "{}";
    }
    if (!text) return nullptr;
    std::optional<std::string> cgroups_path;
    try {
        const auto j = nlohmann::json::parse(*text);
        if (auto linux = j.find("linux"); linux != j.end() && linux->is_object()) {
            if (auto p = linux->find("cgroupsPath"); p != linux->end() && p->is_string())
                cgroups_path = p->get<std::string>();
        }
    } catch (const nlohmann::json::exception&) {
        // Damaged too: the default path is still this container's by name.
        log_warn("container \"" + id + "\": " + path + " is not valid JSON: looking at the default cgroup path only");
    }
    shared_parent = !cgroups_path || cgroups_path->empty();
    cgroups::Config config;
    config.container_id = id;
    config.cgroups_path = cgroups_path;
    try {
        return cgroups::make_manager(config);
    } catch (const common::Error& e) {
        // The same error stopped create before it made any cgroup.
        log_warn("container \"" + id + "\": no cgroup to clean up: " + e.what());
        return nullptr;
    }
}

// Removes what create would have made of `cgroup`: each hierarchy's leaf
// with whatever was made below it, and the shared parent when it is the
// default path and no other container is left in it. Intermediate
// directories of a cgroupsPath are left: nothing says they were ours.
void remove_planned(const cgroups::Manager& cgroup, bool shared_parent) {
    std::optional<common::Error> first;
    for (const auto& h : cgroup.hierarchies()) {
        try {
            cgroups::remove_descendants(h.path, [](const std::string& sub) {
                thaw_dir(sub);
                kill_dir(sub);
            });
            std::vector<std::string> dirs;
            if (shared_parent) dirs.push_back(h.path.substr(0, h.path.rfind('/')));
            dirs.push_back(h.path);
            cgroups::remove_dirs(dirs, h.path);
        } catch (const common::Error& e) {
            if (!first) first = e;
        }
    }
    if (first) throw *first;
}

bool same_paths(const cgroups::Manager& a, const cgroups::Manager& b) {
    std::vector<std::string> pa, pb;
    for (const auto& h : a.hierarchies()) pa.push_back(h.path);
    for (const auto& h : b.hierarchies()) pb.push_back(h.path);
    std::sort(pa.begin(), pa.end());
    std::sort(pb.begin(), pb.end());
    return pa == pb;
}

// Kills the salvaged init if it is still the process that was recorded
// (pid and start time both survived and match) and waits for it to go.
void kill_salvaged_init(const SalvagedState& s) {
    if (s.pid <= 0 || s.pid_start_time == 0 || !process_alive(s.pid, s.pid_start_time)) return;
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, s.pid, 0));
    if (!process_alive(s.pid, s.pid_start_time)) {  // the pidfd may name a newer process
        if (pidfd >= 0) ::close(pidfd);
        return;
    }
    ::kill(s.pid, SIGKILL);
    if (pidfd >= 0) {
        struct pollfd p {pidfd, POLLIN, 0};
        ::poll(&p, 1, 5000);
        ::close(pidfd);
    }
}

// The --overlay-upper work directory create names <upper>.crun-lite-work-<id>;
// a damaged file could name anything else, which is not removed.
bool is_our_work_dir(const std::string& path, const std::string& id) {
    const std::string suffix = ".crun-lite-work-" + id;
    return path.size() > suffix.size() + 1 && path.front() == '/' &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

SalvagedState salvage_state(std::string_view text) {
    SalvagedState out;
    TopLevelMembers members(out);
    nlohmann::json::sax_parse(text, &members);
    return out;
}

SalvagedState salvage_state(std::string_view text, const std::string& id) {
    SalvagedState out = salvage_state(text);
    if (!out.id.empty() && out.id != id) return {};
    if (out.id.empty()) {
        out.pid = 0;
        out.pid_start_time = 0;
        out.shared_rootfs_mount = 0;
    }
    return out;
}

void kill_cgroup_processes(cgroups::Manager& cgroup) {
    const auto hierarchies = cgroup.hierarchies();
    for (int round = 0; round < 100; ++round) {
        // cgroup.kill where there is one: atomic against forks.
        try {
            cgroup.kill_all(SIGKILL);
        } catch (const common::Error&) {
        }
        bool any = false;
        for (const auto& h : hierarchies) {
            std::vector<std::string> dirs{h.path};
            try {
                auto below = cgroups::descendants(h.path);
                dirs.insert(dirs.end(), below.begin(), below.end());
            } catch (const common::Error&) {
            }
            for (const auto& dir : dirs) {
                if (kill_dir(dir)) any = true;
                thaw_dir(dir);  // after the kill: nothing forks in between
            }
        }
        if (!any) return;
        sleep_ms(round < 10 ? 5 : 50);
    }
    throw common::Error("cgroups: processes are still in " +
                        (hierarchies.empty() ? std::string("the container's cgroup") : hierarchies.front().path) +
                        " after SIGKILL for 5 s");
}

void destroy_remains(const StateStore& store, const ContainerDir& dir, const std::string& id) {
    const std::string state_path = dir.file("state.json");
    std::optional<std::string> text;
    try {
        text = common::read_file_if_exists(state_path);
    } catch (const common::Error&) {
    }
    const SalvagedState s = text ? salvage_state(*text, id) : SalvagedState{};

    kill_salvaged_init(s);

    // The manager create saved knows exactly which directories the
    // container made, but only a whole one that leads where the config
    // copy leads (or that the file's own id vouches for, without a copy)
    // is used: a damaged file must not send the kill elsewhere.
    bool shared_parent = false;
    std::unique_ptr<cgroups::Manager> planned = planned_cgroup(dir, id, shared_parent);
    std::unique_ptr<cgroups::Manager> saved;
    if (!s.cgroup.empty()) {
        try {
            saved = cgroups::load_manager(s.cgroup);
        } catch (const common::Error&) {
        }
    }
    // A systemd scope (needs_pid): the planned manager, made from the
    // config without --systemd-cgroup, cannot vouch for it; the file's own
    // id does.
    const bool scope = saved && saved->needs_pid();
    if (saved && !(planned && !scope ? same_paths(*saved, *planned) : s.id == id)) saved.reset();
    cgroups::Manager* cgroup = saved ? saved.get() : planned.get();
    if (cgroup) {
        refuse_own_cgroup(*cgroup, id);
        kill_cgroup_processes(*cgroup);
        // On failure the state directory stays, for another try.
        if (saved)
            saved->destroy();
        else
            remove_planned(*planned, shared_parent);
    }
    if (!s.rootfs.empty() && s.shared_rootfs_mount != 0)
        rootfs::detach_shared_root(s.rootfs, s.shared_rootfs_mount, s.shared_mount_ns);
    if (is_our_work_dir(s.overlay_dir, id)) remove_tree(s.overlay_dir);
    store.remove(id);
}

}  // namespace runtime
