// v1 cpuset controller.
#include <cerrno>

#include "cgroups/convert.hpp"
#include "cgroups/v1_resources.hpp"
#include "common/error.hpp"

namespace cgroups::v1 {

void apply_cpuset(const ControlDir& dir, const oci::CpuResources& cpu) {
    // mems before cpus is arbitrary: the kernel checks each against the
    // parent alone.
    if (!cpu.cpus.empty()) dir.write("cpu.cpus", "cpuset.cpus", cpu.cpus);
    if (!cpu.mems.empty()) dir.write("cpu.mems", "cpuset.mems", cpu.mems);
}

namespace {
std::string parent_of(const std::string& dir) { return dir.substr(0, dir.rfind('/')); }

// The value of `file` in `dir`, filled from the nearest ancestor with one
// when empty (each empty directory on the way gets it too, outermost
// first: a cpuset must be a subset of its parent's). nullopt when the
// directory has no such file (not a cpuset cgroup: a fake tree in tests).
std::optional<std::string> fill(const std::string& mount_point, const std::string& dir, const char* file) {
    const ControlDir d(dir);
    auto mine = d.read(file);
    if (!mine) return std::nullopt;
    std::string value = trim(*mine);
    if (!value.empty()) return value;
    if (dir.size() <= mount_point.size())
        throw common::Error("cgroups: " + d.file(file) + " is empty at the root of the hierarchy");
    auto inherited = fill(mount_point, parent_of(dir), file);
    if (!inherited) return std::nullopt;
    int err = d.try_write(file, *inherited);
    if (err != 0) common::throw_errno("cgroups: give " + dir + " its parent's cpus and mems: write \"" + *inherited +
                                          "\" to " + d.file(file),
                                      err);
    return inherited;
}
}  // namespace

void ensure_cpuset(const std::string& mount_point, const std::string& leaf) {
    // A directory we just made reads empty, its parent usually not: two
    // reads and a write per file, as a plain copy from the parent costs.
    for (const char* file : {"cpuset.cpus", "cpuset.mems"}) fill(mount_point, leaf, file);
}

}  // namespace cgroups::v1
