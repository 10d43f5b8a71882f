// Linux namespaces: which clone flags a config asks for, joining existing
// ones by path, and the writes a new namespace needs from outside (id maps,
// time offsets) or from inside (loopback up).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "oci/spec.hpp"

namespace namespaces {

// CLONE_NEWPID, CLONE_NEWNET, ... for a namespace type.
int clone_flag(oci::NamespaceType type);
// The entry name under /proc/<pid>/ns/ ("pid", "net", "mnt", ...).
const char* proc_name(oci::NamespaceType type);

// An existing namespace to enter, opened early so that a bad path fails
// before anything else is done.
struct Join {
    oci::NamespaceType type;
    std::string path;
    common::UniqueFd fd;
};

struct Plan {
    uint64_t new_flags = 0;    // namespaces created by clone3 itself
    bool new_cgroup = false;   // unshared by the child once it sits in its cgroup
    bool new_time = false;     // needs offsets written before any process enters
    std::vector<Join> joins;   // in join order (user first)
};

// Opens every `path` namespace and computes the flags. Throws naming the
// namespace entry on a bad path or a path of the wrong namespace type.
Plan plan(const oci::Linux& linux);

// setns() into an opened namespace; `what` names it in errors.
void enter(const Join& join);

// Writes /proc/<pid>/{uid_map,gid_map} for a child in a new user namespace.
void write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uids,
                       const std::vector<oci::IdMapping>& gids);

// Creates a time namespace for this process's future children with the
// configured clock offsets (offsets can only be set before a process enters).
void unshare_time_for_children(const std::map<std::string, oci::TimeOffset>& offsets);

// Sets the loopback interface up inside a new network namespace.
void bring_up_loopback();

}  // namespace namespaces
