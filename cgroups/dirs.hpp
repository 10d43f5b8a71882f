// Creating and removing cgroup directories, and moving processes: the
// operations every hierarchy (v1 or v2) shares.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <functional>
#include <string>
#include <vector>

namespace cgroups {

// Makes `dir` and any missing parents below `base` (which must exist),
// appending each directory it made, outermost first, to `created`.
// An existing `dir` is fine: the container joins it.
void make_dirs(const std::string& base, const std::string& dir, std::vector<std::string>& created);

// The directories make_dirs(base, dir) would create now: those missing,
// outermost first. A record of them made before creating them lets a
// later destroy clean up after a runtime that died part-way.
std::vector<std::string> missing_dirs(const std::string& base, const std::string& dir);

// The runtime's own parent directory (<own>/crun-lite, where containers
// without a cgroupsPath go) is shared by its containers: whichever is
// destroyed last removes it, whoever made it. Records leaf's parent in
// `created` (outermost first) when another container made it; on destroy
// it is removed if empty and left alone while it holds others.
void share_parent(const std::string& leaf, std::vector<std::string>& created);

// Removes the directories in `created` (as make_dirs recorded them),
// deepest first. The kernel answers EBUSY while a dying task still counts,
// so the rmdir of `leaf` is retried a few times with short sleeps. A
// missing directory is already gone. An intermediate directory that now
// holds someone else's cgroups is left alone at once (tried once: nothing
// of ours is dying in it); only failing to remove `leaf` is an error.
void remove_dirs(const std::vector<std::string>& created, const std::string& leaf);

// One rmdir, no retry: true when `dir` is gone. The fast path of a
// destroy; a cgroup still busy (tasks exiting, cgroups below it) is then
// handled by the functions below and remove_dirs.
bool remove_now(const std::string& dir);

// The cgroups below `dir` (made inside the container's cgroup by its
// processes, or by whoever manages them), deepest first: the order they
// can be removed in.
std::vector<std::string> descendants(const std::string& dir);

// Removes every cgroup below `dir`, deepest first, calling `evict` (if
// set) on each before its rmdir, to kill what still runs there: a busy
// cgroup cannot be removed. rmdir is retried as in remove_dirs; a failure
// names the cgroup.
void remove_descendants(const std::string& dir, const std::function<void(const std::string&)>& evict);

// The pids in <dir>/cgroup.procs.
std::vector<pid_t> read_pids(const std::string& dir);
// The same for `dir` and every cgroup below it: a process the container
// moved into a sub-cgroup is still one of its processes (runc's
// GetAllPids walks the subtree too).
std::vector<pid_t> read_pids_below(const std::string& dir);
// Writes `pid` to <dir>/cgroup.procs, retrying EINVAL a few times: a task
// still being created (TASK_NEW) cannot be moved yet.
void write_pid(const std::string& dir, pid_t pid);

// Polls `done` every millisecond for up to `timeout_ms`; true when it held.
template <typename F>
bool poll_until(F done, int timeout_ms);

}  // namespace cgroups

template <typename F>
bool cgroups::poll_until(F done, int timeout_ms) {
    for (int i = 0; i < timeout_ms; ++i) {
        if (done()) return true;
        struct timespec ts = {0, 1000 * 1000};
        ::nanosleep(&ts, nullptr);
    }
    return done();
}
