// The uid and gid maps of a new user namespace, and who writes them: the
// runtime itself (/proc/<pid>/uid_map) when it is privileged or maps only
// its own id, newuidmap/newgidmap (Debian's uidmap, setuid root) for the
// subordinate ranges of /etc/subuid and /etc/subgid, as runc and crun do.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace namespaces {

enum class IdMapWriter {
    kernel,  // the runtime writes /proc/<pid>/{uid,gid}_map
    helper,  // newuidmap / newgidmap write them
};

struct IdMapPlan {
    IdMapWriter uid = IdMapWriter::kernel;
    IdMapWriter gid = IdMapWriter::kernel;
    // An unprivileged writer of its own gid must deny setgroups first
    // (the kernel's rule since 3.19).
    bool deny_setgroups = false;
};

// Who the caller is, for an unprivileged plan: its ids, its name (the
// subordinate id files name users by name or by number) and the text of
// /etc/subuid and /etc/subgid.
struct Caller {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
    std::string subuid;
    std::string subgid;
};

// A privileged caller writes every map itself. An unprivileged one writes
// a map itself when it is one mapping of its own id, and leaves anything
// wider to the helpers; every mapping must then be its own id (size 1) or
// lie in its subordinate ranges: otherwise this throws, naming the mapping
// ("linux.uidMappings[1] ...") and what the caller may map.
IdMapPlan plan_id_maps(bool rootless, const Caller& caller, const std::vector<oci::IdMapping>& uids,
                       const std::vector<oci::IdMapping>& gids);
// The same for the running process (reads /etc/subuid and /etc/subgid).
IdMapPlan plan_id_maps(bool rootless, const std::vector<oci::IdMapping>& uids,
                       const std::vector<oci::IdMapping>& gids);

// Writes the maps of `pid`, a child in a new user namespace, as planned.
// A helper's failure comes back with its own message.
void write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids,
                       const IdMapPlan& plan);

}  // namespace namespaces
