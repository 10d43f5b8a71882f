// What is left of a container whose state.json cannot be read
// (UnreadableState: missing, empty, cut short, garbage): the members that
// survive in the damaged file, the config.json copy that create wrote
// before anything else, and the container's cgroups, which list every
// process it still has. list shows the container from them; delete
// --force kills and removes everything they lead to.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "cgroups/manager.hpp"
#include "runtime/state_store.hpp"

namespace runtime {

// The top-level members of a damaged state.json that came whole before the
// damage (a file cut short keeps those written first; garbage keeps
// nothing). A value counts only once what follows it was read (the next
// member's name, or the closing brace): a number cut short ("pid":12 of
// 1234) would name another process.
struct SalvagedState {
    std::string id;
    std::string bundle;
    std::string rootfs;
    std::string created;
    std::string owner;
    pid_t pid = 0;
    uint64_t pid_start_time = 0;
    std::string cgroup;  // cgroups::Manager::save(), when it survived whole
    std::string overlay_dir;
    uint64_t shared_rootfs_mount = 0;
    std::string shared_mount_ns;
};
SalvagedState salvage_state(std::string_view text);
// The same, for container `id`'s file: nothing at all when the file names
// another container (copied from its directory, say). Its pid and start
// time only when the file names `id`: "id" sorts before "pid" in the file
// create writes, so a file cut short keeps it whenever it keeps the pid.
SalvagedState salvage_state(std::string_view text, const std::string& id);

// SIGKILL to every process of the cgroup and of the cgroups below it, in
// every hierarchy, until none is left (bounded: about 5 s), thawing what
// is frozen: a task frozen by the v1 freezer acts on SIGKILL only once
// thawed. Directories that do not exist (a create that stopped part-way)
// are skipped. Throws when processes are still there at the end.
void kill_cgroup_processes(cgroups::Manager& cgroup);

// delete --force of container `id`, whose state cannot be read, in `dir`
// (locked): kills the salvaged init when its start time still matches,
// then every process in its cgroups (the saved manager when it survived
// whole, else the paths its config.json copy leads to, computed as create
// computes them: linux.cgroupsPath, or <own>/crun-lite/<id>), removes
// those cgroups (the leaf and what it holds, and the shared parent
// crun-lite/ when empty; never a cgroup this runtime itself runs in), the
// salvaged shared rootfs mount and --overlay-upper work dir, and last the
// state directory. Poststop hooks do not run: they would need the state.
void destroy_remains(const StateStore& store, const ContainerDir& dir, const std::string& id);

}  // namespace runtime
