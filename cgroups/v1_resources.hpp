// The v1 writers, one per controller, each taking the container's
// directory in that controller's hierarchy. Notes about fields accepted
// but not enforced go to `notes`.
#pragma once

#include <string>
#include <vector>

#include "cgroups/control_dir.hpp"
#include "oci/spec.hpp"

namespace cgroups::v1 {

void apply_memory(const ControlDir& dir, const oci::MemoryResources& memory, std::vector<std::string>& notes);
void apply_cpu(const ControlDir& dir, const oci::CpuResources& cpu);
void apply_cpuset(const ControlDir& dir, const oci::CpuResources& cpu);
void apply_pids(const ControlDir& dir, const oci::PidsResources& pids);
void apply_blkio(const ControlDir& dir, const oci::BlockIoResources& blkio);
void apply_hugetlb(const ControlDir& dir, const std::vector<oci::HugepageLimit>& limits);
void apply_rdma(const ControlDir& dir, const std::map<std::string, oci::RdmaLimit>& rdma);
void apply_net_cls(const ControlDir& dir, const oci::NetworkResources& network);
void apply_net_prio(const ControlDir& dir, const oci::NetworkResources& network);
// Moves the cgroup's device rules to what `rules` ask for, never through a
// state granting more than both the old and the new rules do (unless the
// new ones allow by default). `fresh`: create() just made the directory.
void apply_devices(const ControlDir& dir, const std::vector<oci::DeviceCgroupRule>& rules, bool fresh);

// A new cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and no
// task can join it until they are set (ENOSPC). Gives `leaf` (below
// `mount_point`) the cpus and mems of its nearest ancestor that has them,
// filling every empty directory on the way, as runc does: a pod's cgroup
// someone made but left empty, as well as the ones create() made.
void ensure_cpuset(const std::string& mount_point, const std::string& leaf);

// The rdma.max line for one device ("mlx5_0 hca_handle=3 hca_object=max"),
// "" when the entry sets nothing. Shared with v2, which has the same file.
std::string rdma_line(const std::string& device, const oci::RdmaLimit& limit);
// "hugetlb.2MB" for page size "2MB"; throws if the size is not a plain
// "<number><unit>B" (it becomes part of a file name).
std::string hugetlb_prefix(const std::string& page_size, size_t index);

}  // namespace cgroups::v1
