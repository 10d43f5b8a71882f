// One interface for a container's cgroup, whatever the host mounts.
// The implementations (v2 unified, v1/hybrid) are chosen by make_manager()
// in factory.cpp; nothing outside cgroups/ names them.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"

namespace cgroups {

// Where the container's cgroup is, as the caller asked.
struct Config {
    std::string container_id;
    // linux.cgroupsPath: absolute (from the hierarchy root), relative (under
    // the caller's own cgroup, as runc does) or absent (crun-lite/<id>).
    std::optional<std::string> cgroups_path;
    // cgroup v2: whether apply() may enable a controller in the
    // cgroup.subtree_control of ancestors create() did not make (runc
    // always does). Off by default: those belong to the host or to whoever
    // delegated the subtree, and a missing controller is reported instead.
    // A bare v2 host where nobody enabled anything (a VM booted into an
    // initramfs) needs it on.
    bool enable_controllers_in_parents = false;
};

// A hierarchy the container's cgroup lives in, for mounting it inside the
// container: `name` is the directory under /sys/fs/cgroup ("memory",
// "cpu,cpuacct", "unified"; "" on a v2-only host), `path` the absolute host
// directory of the container's cgroup in it.
struct Hierarchy {
    std::string name;
    std::string path;
    bool unified = false;
};

struct Stats {
    uint64_t pids_current = 0;
    uint64_t pids_limit = 0;  // 0 = unlimited
    uint64_t memory_usage = 0;
    uint64_t memory_limit = 0;  // 0 = unlimited
    uint64_t memory_max_usage = 0;
    uint64_t memory_failcnt = 0;
    uint64_t oom_kills = 0;
    uint64_t cpu_usage_ns = 0;
    uint64_t cpu_user_ns = 0;
    uint64_t cpu_system_ns = 0;
};

class Manager {
public:
    virtual ~Manager() = default;

    // Makes the cgroup directories, remembering which ones it made so that
    // destroy() removes exactly those and nothing of the caller's.
    virtual void create() = 0;
    // Writes linux.resources. A field the host cannot honour throws an
    // error naming it (e.g. "linux.resources.blockIO.weight: ...").
    virtual void apply(const oci::Resources& resources) = 0;
    virtual void add_process(pid_t pid) = 0;
    // An O_DIRECTORY fd of the cgroup for clone3(CLONE_INTO_CGROUP), or -1
    // where the host cannot do that (v1) and add_process() must be used.
    // The manager owns the fd (O_CLOEXEC); it stays open until the manager
    // is destroyed.
    virtual int clone_into_fd() = 0;

    virtual void freeze() = 0;
    virtual void thaw() = 0;
    virtual bool frozen() const = 0;
    virtual std::vector<pid_t> pids() const = 0;
    virtual void kill_all(int signal) = 0;
    virtual Stats stats() const = 0;
    virtual std::vector<Hierarchy> hierarchies() const = 0;
    // Removes what create() made (retrying while the kernel reports EBUSY).
    virtual void destroy() = 0;

    // Serialised form kept in the container's state, for later commands.
    virtual std::string save() const = 0;

    // Notes from the last apply() about fields accepted but not enforced
    // (e.g. memory.kernel, which Linux 6.x ignores), for the caller to log.
    virtual std::vector<std::string> notes() const { return {}; }
};

// Picks the implementation for this host (cgroup2 at /sys/fs/cgroup, or
// v1/hybrid) and resolves the container's paths; touches nothing yet.
std::unique_ptr<Manager> make_manager(const Config& config);
// Reopens a manager from Manager::save() output.
std::unique_ptr<Manager> load_manager(std::string_view saved);

}  // namespace cgroups
