// The systemd driver's pure part: where a container's unit goes (the
// "slice:prefix:name" cgroupsPath runc defined) and the unit properties
// that carry linux.resources to systemd. No I/O, so every rule is
// unit-testable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cgroups/systemd_props.hpp"
#include "oci/spec.hpp"

namespace cgroups::systemd {

struct Placement {
    std::string slice;  // "system.slice", "a-b.slice", "-.slice"
    std::string unit;   // "prefix-name.scope"
};

// Parses linux.cgroupsPath as runc does with --systemd-cgroup:
// "slice:prefix:name" -> unit "prefix-name.scope" in `slice` (empty: the
// default slice, "system.slice", or "user.slice" for a caller on its
// user's systemd); an absent or empty path -> "<default>:crun-lite:<id>".
// Throws an error that quotes the path for a malformed one: not three
// parts, an empty name, a name ending in ".slice" (a slice as the
// container's unit is not supported), characters systemd refuses in a
// unit name, or an invalid slice (see expand_slice).
Placement parse_cgroups_path(const std::optional<std::string>& cgroups_path, const std::string& container_id,
                             bool user);

// "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "" (the
// root); throws for names that are not slices, hold '/', or have an empty
// component ("a--b.slice", "-a.slice").
std::string expand_slice(const std::string& slice);
// The slice units from the outermost to `slice` itself, without the root
// slice: "a-b.slice" -> {"a.slice", "a-b.slice"}; "-.slice" -> {}.
std::vector<std::string> slice_chain(const std::string& slice);

// "0-2,7" -> the little-endian bit mask systemd takes for AllowedCPUs and
// AllowedMemoryNodes (byte 0 holds CPUs 0-7); throws on a bad list.
std::vector<uint8_t> cpu_mask(const std::string& list, const std::string& field);

// The properties that every container unit gets: description, slice,
// delegation, accounting, no default dependencies.
Properties base_properties(const Placement& placement, bool v2);

// linux.resources as unit properties (runc's tables: MemoryMax, MemoryLow,
// MemorySwapMax, CPUWeight, CPUQuotaPerSecUSec, CPUQuotaPeriodUSec,
// TasksMax, AllowedCPUs, AllowedMemoryNodes, IOWeight, IODeviceWeight, the
// IO bandwidth and IOPS limits, DevicePolicy and DeviceAllow, and the
// unified keys systemd knows; on v1 MemoryLimit, CPUShares, BlockIOWeight,
// TasksMax, the cpuset masks and devices). A CPU quota is rounded up to
// what systemd can hold (whole percents of a CPU), and `r` is changed to
// match, so that the cgroup files written afterwards say the same.
// `version`: systemd's, for properties older ones lack. `notes` gets what
// systemd cannot express (left to the cgroup files).
Properties resource_properties(oci::Resources& r, bool v2, int version, std::vector<std::string>& notes);

// DevicePolicy / DeviceAllow for a device rule list, as runc converts it:
// strict with an allow list, or auto with none for allow-all. Rules systemd
// cannot express ("*:N" numbers, deny exceptions to an allow-all default)
// are noted; the cgroup's own device filter enforces them.
Properties device_properties(const std::vector<oci::DeviceCgroupRule>& rules, std::vector<std::string>& notes);

}  // namespace cgroups::systemd
