// One interface for a container's cgroup, whatever the host mounts.
// The implementations (v2 unified, v1/hybrid) are chosen by make_manager()
// in factory.cpp; nothing outside cgroups/ names them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
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
    // Whether apply() may enable a controller in the cgroup.subtree_control
    // of ancestors create() did not make (runc always does). Unset (the
    // runtime's default) picks by host:
    //  - pure cgroup v2, as root: on. A parent that does not delegate a
    //    controller is either the root of a bare host where nobody enabled
    //    anything (a VM booted into an initramfs) or a cgroup root gave us;
    //    runc enables them there too, and where systemd already did, the
    //    write changes nothing.
    //  - v1/hybrid, or not root: off. The unified hierarchy of a hybrid host
    //    belongs to the host (systemd); a missing controller is reported.
    std::optional<bool> enable_controllers_in_parents;
    // The caller is not root (runtime/rootless.hpp decides): make_manager
    // gives a manager only where the caller can write the cgroup tree, and
    // nullptr (no cgroup: the container stays in the caller's) elsewhere.
    bool rootless = false;
    // --systemd-cgroup: cgroups_path is "slice:prefix:name" and systemd
    // makes the cgroup, a transient scope unit (systemd_manager.hpp).
    bool systemd = false;
};

// A hierarchy the container's cgroup lives in, for mounting it inside the
// container: `name` is the directory under /sys/fs/cgroup ("memory",
// "cpu,cpuacct", "unified"; "" on a v2-only host), `path` the absolute host
// directory of the container's cgroup in it.
struct Hierarchy {
    std::string name;
    std::string path;
    bool unified = false;
    // The controllers of the hierarchy as cgroupfs mount options ("memory",
    // "cpu,cpuacct", "name=systemd"); empty for the unified hierarchy.
    std::string controllers;
};

// One memory counter set, as runc's events report it (0 = unlimited/absent).
struct MemoryEntry {
    uint64_t limit = 0;
    uint64_t usage = 0;
    uint64_t max = 0;
    uint64_t failcnt = 0;
};

// One line of a blkio/io statistics file: device, operation, value.
struct BlkioEntry {
    uint64_t major = 0;
    uint64_t minor = 0;
    std::string op;  // "Read", "Write", "Sync", "Async", "Discard", "Total"
    uint64_t value = 0;
};

struct HugetlbEntry {
    uint64_t usage = 0;
    uint64_t max = 0;
    uint64_t failcnt = 0;
};

// What the kernel reports about a cgroup; fields the host has no file for
// stay 0/empty.
struct Stats {
    uint64_t pids_current = 0;
    uint64_t pids_limit = 0;  // 0 = unlimited
    uint64_t memory_usage = 0;
    uint64_t memory_limit = 0;  // 0 = unlimited
    uint64_t memory_max_usage = 0;
    uint64_t memory_failcnt = 0;
    uint64_t memory_cache = 0;  // page cache (memory.stat "cache" / "file")
    MemoryEntry swap;           // v1: memsw (memory+swap); v2: swap alone
    MemoryEntry kernel;         // v1 kmem; v2: usage from memory.stat "kernel"
    MemoryEntry kernel_tcp;     // v1 kmem.tcp; v2: memory.stat "sock"
    std::map<std::string, uint64_t> memory_raw;  // memory.stat as is
    uint64_t oom_kills = 0;     // memory oom_kill counter
    uint64_t oom_events = 0;    // times the cgroup hit its limit and the OOM killer ran (v2 "oom"; v1: kills)
    uint64_t cpu_usage_ns = 0;
    uint64_t cpu_user_ns = 0;
    uint64_t cpu_system_ns = 0;
    std::vector<uint64_t> cpu_percpu_ns;  // v1 cpuacct.usage_percpu; empty on v2
    uint64_t cpu_periods = 0;
    uint64_t cpu_throttled_periods = 0;
    uint64_t cpu_throttled_ns = 0;
    std::vector<BlkioEntry> io_service_bytes;  // bytes per device and op
    std::vector<BlkioEntry> io_serviced;       // operations per device and op
    std::map<std::string, HugetlbEntry> hugetlb;  // by page size ("2MB")
};

// Writes "0" to each of Manager::self_join_files(): moves the calling,
// single-threaded process into those hierarchies. Runs in the container's
// child, before it enters a user namespace (after which the host's cgroup
// files are not its to write).
void join_self(const std::vector<std::string>& tasks_files);

class Manager {
public:
    virtual ~Manager() = default;

    // Makes the cgroup directories, remembering which ones it made so that
    // destroy() removes exactly those and nothing of the caller's. Refuses
    // a cgroup that is frozen (the container's process would stop on
    // joining it and the start wait forever) and warns (cgroups::warn)
    // when a cgroup that was there already holds processes, as runc does.
    virtual void create() = 0;
    // Writes linux.resources. A field the host cannot honour throws an
    // error naming it (e.g. "linux.resources.blockIO.weight: ...").
    virtual void apply(const oci::Resources& resources) = 0;
    // Moves a process into the cgroup, in every hierarchy.
    virtual void add_process(pid_t pid) = 0;
    // An O_DIRECTORY fd for clone3(CLONE_INTO_CGROUP): the cgroup on v2, its
    // unified part on a hybrid host, -1 on a pure v1 host, and -1 for a
    // unified cgroup that was there before create(): one that has seen
    // cgroup.kill kills every child cloned into it (the fork compares its
    // kill count with the parent cgroup's; seen on Linux 6.18), so a
    // process joins such a cgroup through cgroup.procs, as runc always
    // does. The manager owns the fd (O_CLOEXEC) until it is destroyed.
    virtual int clone_into_fd() = 0;
    // The hierarchies CLONE_INTO_CGROUP does not reach, as the files in
    // which a single-threaded process writes "0" to move itself
    // (join_self): v1 `tasks`, and a pre-existing unified cgroup's
    // cgroup.procs. Moving oneself that way skips the kernel's global
    // threadgroup lock, whose first write-locking in a process waits for an
    // RCU grace period: 6-10 ms here, the largest single wait of a start
    // when the runtime writes the child's pid to cgroup.procs instead.
    // Empty on v2 for a cgroup create() made.
    virtual std::vector<std::string> self_join_files() const = 0;
    // The cgroup is made around the container's init (systemd's scope
    // takes the pid when it starts): the launcher calls add_process(pid)
    // after the clone, before the init goes on, whatever the above say.
    virtual bool needs_pid() const { return false; }

    virtual void freeze() = 0;
    virtual void thaw() = 0;
    virtual bool frozen() const = 0;
    // Every process in the cgroup and in the cgroups below it.
    virtual std::vector<pid_t> pids() const = 0;
    virtual void kill_all(int signal) = 0;
    virtual Stats stats() const = 0;
    virtual std::vector<Hierarchy> hierarchies() const = 0;
    // Removes what create() made (retrying while the kernel reports EBUSY),
    // and first, when the container's cgroup is one create() made, every
    // cgroup made below it, killing what still runs there.
    virtual void destroy() = 0;

    // Serialised form kept in the container's state, for later commands.
    virtual std::string save() const = 0;
    // What save() will say once create() has made the directories: those
    // missing now count as made by this container. Saved before create(),
    // so that a runtime killed part-way leaves destroy() what it needs.
    virtual std::string save_planned() const = 0;

    // Notes from the last apply() about fields accepted but not enforced
    // (e.g. memory.kernel, which Linux 6.x ignores), for the caller to log.
    virtual std::vector<std::string> notes() const { return {}; }
};

// Picks the implementation for this host (cgroup2 at /sys/fs/cgroup, or
// v1/hybrid) and resolves the container's paths; touches nothing yet.
// nullptr for a rootless caller that cannot write the tree (rootless.hpp).
std::unique_ptr<Manager> make_manager(const Config& config);
// The checks make_manager() would fail on that need no side effect and no
// daemon: for --systemd-cgroup, a valid "slice:prefix:name" and systemd as
// PID 1. Throws naming the cgroupsPath; the v1/v2 drivers check nothing.
void preflight(const Config& config);
// Reopens a manager from Manager::save() output.
std::unique_ptr<Manager> load_manager(std::string_view saved);

}  // namespace cgroups
