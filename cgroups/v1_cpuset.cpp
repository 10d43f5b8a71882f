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

void inherit_cpuset(const ControlDir& parent, const ControlDir& dir) {
    for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        auto mine = dir.read(file);
        // A directory without the file is not a cpuset cgroup (a fake tree
        // in tests): nothing to inherit.
        if (!mine || !trim(*mine).empty()) continue;
        std::string value = parent.read_value(file);
        if (value.empty())
            throw common::Error("cgroups: " + parent.file(file) + " is empty: no cpus or mems to give " + dir.path());
        int err = dir.try_write(file, value);
        if (err != 0) common::throw_errno("write \"" + value + "\" to " + dir.file(file), err);
    }
}

}  // namespace cgroups::v1
