#include "cgroups/joined.hpp"

#include <cerrno>

#include "cgroups/control_dir.hpp"
#include "cgroups/convert.hpp"
#include "cgroups/dirs.hpp"
#include "cgroups/warnings.hpp"
#include "common/error.hpp"

namespace cgroups {

namespace {
std::string parent_of(const std::string& dir) { return dir.substr(0, dir.rfind('/')); }

[[noreturn]] void frozen(const std::string& leaf, const std::string& why) {
    throw common::Error("container's cgroup unexpectedly frozen: " + leaf + " (" + why +
                            "); thaw it or use another cgroupsPath",
                        EBUSY);
}
}  // namespace

bool may_be_frozen(const std::vector<std::string>& made, const std::string& leaf, const std::string& own) {
    if (made.empty() || made.back() != leaf) return true;  // the leaf was there already
    const std::string parent = parent_of(made.front());
    const bool parent_runs_us = own == parent || own.compare(0, parent.size() + 1, parent + "/") == 0;
    return !parent_runs_us;
}

void refuse_frozen_v1(const std::string& leaf) {
    const ControlDir d(leaf);
    auto state = d.read("freezer.state");
    if (!state || trim(*state) == "THAWED") return;
    // An ancestor's freeze shows in the child's freezer.state too; say
    // which it is, since thawing the child alone would not help.
    auto by_parent = d.read("freezer.parent_freezing");
    const bool inherited = by_parent && trim(*by_parent) == "1";
    frozen(leaf, "freezer.state " + trim(*state) + (inherited ? ", frozen by an ancestor" : ""));
}

void refuse_frozen_unified(const std::string& leaf) {
    const ControlDir d(leaf);
    auto events = d.read("cgroup.events");
    if (!events || parse_flat_keyed(*events)["frozen"] != 1) return;
    auto self = d.read("cgroup.freeze");
    const bool inherited = self && trim(*self) == "0";
    frozen(leaf, inherited ? "cgroup.events: frozen 1, frozen by an ancestor" : "cgroup.freeze 1");
}

bool warn_if_not_empty(const std::string& leaf) {
    if (!ControlDir(leaf).has("cgroup.procs")) return false;
    const size_t n = read_pids(leaf).size();
    if (n == 0) return false;
    warn("container's cgroup is not empty: " + std::to_string(n) + " process(es) found in " + leaf);
    return true;
}

}  // namespace cgroups
