// kill, delete, pause, resume: acting on an existing container.

#include <sys/stat.h>

#include <cerrno>
#include <optional>

#include "common/error.hpp"
#include "runtime/commands.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/container_remains.hpp"

namespace runtime {

namespace {

bool nothing_written(const ContainerDir& dir) {
    struct stat st;
    return ::stat(dir.file("state.json").c_str(), &st) < 0 && errno == ENOENT &&
           ::stat(dir.file("config.json").c_str(), &st) < 0 && errno == ENOENT;
}

}  // namespace

int cmd_kill(const GlobalOptions& g, const std::string& id, const std::string& signal, bool all) {
    int sig = parse_signal(signal);
    Container c = open_container(StateStore(g.root), id);
    oci::Status status = c.status();
    if (status == oci::Status::stopped || status == oci::Status::creating) {
        throw common::Error("container not running");
    }
    signal_container(c, sig, all);
    return 0;
}

int cmd_delete(const GlobalOptions& g, const std::string& id, bool force) {
    StateStore store(g.root);
    validate_container_id(id);
    std::optional<ContainerDir> dir = store.open_if_exists(id);
    if (!dir) {
        if (force) return 0;
        throw common::Error("container \"" + id + "\" does not exist");
    }
    ContainerRecord record;
    std::unique_ptr<cgroups::Manager> cgroup;
    try {
        record = load_record(*dir);
        cgroup = load_cgroup(*dir, record);
    } catch (const UnreadableState&) {
        // Without the record nothing says whether it still runs: only
        // --force may kill what can be found of it (the message says so).
        // A directory whose create stopped before writing anything in it
        // holds nothing to kill, and goes as runc removes it.
        if (!force && !nothing_written(*dir)) throw;
        destroy_remains(store, *dir, id);
        return 0;
    }
    Container c{std::move(*dir), std::move(record), std::move(cgroup)};
    oci::Status status = c.status();
    if (!force && (status == oci::Status::running || status == oci::Status::paused)) {
        throw common::Error("cannot delete container " + id + " that is not stopped: " + oci::to_string(status));
    }
    destroy_container(store, c);
    return 0;
}

int cmd_pause(const GlobalOptions& g, const std::string& id) {
    Container c = open_container(StateStore(g.root), id);
    oci::Status status = c.status();
    if (status != oci::Status::running && status != oci::Status::created) {
        throw common::Error(std::string("container not running: it is ") + oci::to_string(status));
    }
    if (!c.cgroup) throw common::Error("container " + id + " has no cgroup to freeze");
    c.cgroup->freeze();
    return 0;
}

int cmd_resume(const GlobalOptions& g, const std::string& id) {
    Container c = open_container(StateStore(g.root), id);
    if (c.status() != oci::Status::paused) throw common::Error("container " + id + " is not paused");
    c.cgroup->thaw();
    return 0;
}

}  // namespace runtime
