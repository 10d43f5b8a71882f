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

// The pid and time namespaces a process joins or creates apply to the
// children it creates next (pid_for_children, time_for_children). This scope
// takes them for the one clone that needs them and then puts the caller's
// own back, so nothing the runtime forks later (a hook, a sanitizer's helper
// thread) starts inside the container's.
class ChildNamespaceScope {
public:
    ChildNamespaceScope() = default;
    ~ChildNamespaceScope();
    ChildNamespaceScope(const ChildNamespaceScope&) = delete;
    ChildNamespaceScope& operator=(const ChildNamespaceScope&) = delete;

    // Joins the pid and time namespaces among `joins` for the next children
    // (the others are the child's to enter).
    void enter(const std::vector<Join>& joins);
    // Creates a time namespace for the next children with the configured
    // clock offsets (offsets can only be set before a process enters).
    void unshare_time(const std::map<std::string, oci::TimeOffset>& offsets);
    // Back to the caller's own namespaces; the destructor does it too.
    void restore();
    // Leaves them as they are: a caller that joined the container's user
    // namespace has no capability left over its own pid namespace to go
    // back (it forks nothing more).
    void keep() { own_.clear(); }

private:
    void remember_own(oci::NamespaceType type);
    std::vector<Join> own_;
};

// Sets the loopback interface up inside a new network namespace.
void bring_up_loopback();

}  // namespace namespaces
