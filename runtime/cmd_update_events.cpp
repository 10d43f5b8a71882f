// update and events: changing and watching a container's cgroup.
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/unique_fd.hpp"
#include "oci/parse.hpp"
#include "runtime/commands.hpp"
#include "runtime/logging.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/device_rules.hpp"
#include "runtime/stats_json.hpp"
#include "runtime/update_request.hpp"

namespace runtime {

namespace {

// The cgroup of a container that has processes: created, running or paused.
void require_live_cgroup(const Container& c, const std::string& id) {
    const oci::Status status = c.status();
    if (status != oci::Status::created && status != oci::Status::running && status != oci::Status::paused)
        throw common::Error("container not running: " + id + " is " + oci::to_string(status));
    if (!c.cgroup) throw common::Error("container " + id + " has no cgroup");
}

// The saved config copy follows the update, so that later readers of the
// container's config (exec, hooks' state) see its current limits.
void update_saved_config(const Container& c, const nlohmann::json& patch) {
    const std::string path = c.dir.file("config.json");
    try {
        auto config = nlohmann::json::parse(common::read_file(path));
        config["linux"]["resources"].merge_patch(patch);
        common::write_file_atomic(path, config.dump());
    } catch (const std::exception& e) {
        log_warn(std::string("update: the limits are applied but the saved config was not updated: ") + e.what());
    }
}

void print_event(const char* type, const std::string& id, const nlohmann::json* data) {
    nlohmann::json event = {{"type", type}, {"id", id}};
    if (data) event["data"] = *data;
    std::cout << event.dump() << std::endl;
}

}  // namespace

int cmd_update(const GlobalOptions& g, const std::string& id, const std::string& resources_file,
               const std::map<std::string, std::string>& flags) {
    // Everything is parsed and checked before the container is touched.
    nlohmann::json patch = nlohmann::json::object();
    if (!resources_file.empty()) {
        std::string text;
        if (resources_file == "-") {
            text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
            text = common::read_file(resources_file);
        }
        try {
            oci::parse_resources_spec(text);
        } catch (const common::Error& e) {
            throw common::Error("update --resources: " + std::string(e.what()), e.code());
        }
        patch = nlohmann::json::parse(text);
        if (!patch.is_object()) throw common::Error("update --resources: not a JSON object");
    }
    if (resources_file.empty()) {
        patch = resources_patch_from_flags(flags);
    } else if (!flags.empty()) {
        // As runc: "if data is to be read from a file or the standard
        // input, all other options are ignored". Said, not silent.
        std::string names;
        for (auto& [flag, value] : flags) names += (names.empty() ? "--" : ", --") + flag;
        log_warn("update: --resources is given, so " + names + " " + (flags.size() == 1 ? "is" : "are") +
                 " ignored (as in runc)");
    }
    if (resources_file.empty() && flags.empty())
        throw common::Error("update: nothing to change (give --resources or a limit flag)");
    drop_unchanged(patch);
    oci::Resources resources = oci::parse_resources_spec(patch.dump());
    // New device rules replace the configured ones; the standard devices
    // are added to them as at create. The cgroup moves to them without
    // passing through more access than the old or the new rules give
    // (runc 1.1 skips devices on update altogether; a client that resends
    // the create-time rules changes nothing either way).
    if (patch.contains("devices")) resources.devices = effective_device_rules(std::move(resources.devices));

    Container c = open_container(StateStore(g.root), id);
    require_live_cgroup(c, id);
    if (patch.empty()) return 0;  // all "unchanged", as runc takes them
    c.cgroup->apply(resources);
    for (auto& note : c.cgroup->notes()) log_warn(note);
    update_saved_config(c, patch);
    return 0;
}

int cmd_events(const GlobalOptions& g, const std::string& id, bool stats, const std::string& interval) {
    const auto period = stats ? std::chrono::nanoseconds(0) : parse_duration(interval);
    Container c = open_container(StateStore(g.root), id);
    require_live_cgroup(c, id);
    if (stats) {
        auto data = stats_to_json(c.cgroup->stats());
        print_event("stats", id, &data);
        return 0;
    }
    // Watching takes long: let other commands (pause, update, delete) in.
    c.dir.unlock();
    common::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, c.record.pid, 0)));
    if (!pidfd || !c.init_alive()) throw common::Error("container not running: " + id);

    using clock = std::chrono::steady_clock;
    cgroups::Stats current = c.cgroup->stats();
    uint64_t ooms = current.oom_events;
    auto next_stats = clock::now();
    // OOM kills are looked for every 100 ms (and once more after the
    // init exits, since an OOM kill is often why it exits); stats go out
    // every `period`, the first at once.
    for (bool exited = false; !exited;) {
        if (clock::now() >= next_stats) {
            auto data = stats_to_json(current);
            print_event("stats", id, &data);
            next_stats += period;
            if (next_stats < clock::now()) next_stats = clock::now() + period;
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - clock::now());
        struct pollfd p = {pidfd.get(), POLLIN, 0};
        int timeout = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, 100));
        if (::poll(&p, 1, timeout) > 0) exited = true;
        current = c.cgroup->stats();
        if (current.oom_events > ooms) print_event("oom", id, nullptr);
        ooms = std::max(ooms, current.oom_events);
    }
    return 0;
}

}  // namespace runtime
