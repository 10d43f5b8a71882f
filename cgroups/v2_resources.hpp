// The cgroup v2 writers, one per controller, each taking the container's
// cgroup directory. The caller enables the controller first.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cgroups/control_dir.hpp"
#include "oci/spec.hpp"

namespace cgroups::v2 {

void apply_memory(const ControlDir& dir, const oci::MemoryResources& memory, std::vector<std::string>& notes);
void apply_cpu(const ControlDir& dir, const oci::CpuResources& cpu);  // weight, max, burst, idle
void apply_cpuset(const ControlDir& dir, const oci::CpuResources& cpu);
void apply_pids(const ControlDir& dir, const oci::PidsResources& pids);
void apply_io(const ControlDir& dir, const oci::BlockIoResources& blkio);
void apply_hugetlb(const ControlDir& dir, const std::vector<oci::HugepageLimit>& limits);
void apply_rdma(const ControlDir& dir, const std::map<std::string, oci::RdmaLimit>& rdma);

// A key of linux.resources.unified must name a file of the cgroup itself
// ("memory.high"): no '/', no "..", not empty. Throws naming the key.
void validate_unified_key(const std::string& key);
// Writes one unified entry verbatim (after validate_unified_key).
void apply_unified_entry(const ControlDir& dir, const std::string& key, const std::string& value);

// What a Resources block touches, to enable just those controllers.
bool wants_memory(const oci::MemoryResources& m);
bool wants_cpu(const oci::CpuResources& c);     // the cpu controller's part
bool wants_cpuset(const oci::CpuResources& c);  // cpus / mems
bool wants_realtime(const oci::CpuResources& c);
bool wants_io(const oci::BlockIoResources& b);

}  // namespace cgroups::v2
