// Device access control on cgroup v2: there is no devices.allow file, so
// the rules become a BPF_PROG_TYPE_CGROUP_DEVICE program, built here from
// raw instructions and attached to the cgroup with BPF_CGROUP_DEVICE.
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "cgroups/device_rules.hpp"

namespace cgroups {

// The program for `filter`: the rules are tested from the last to the
// first, the first match returns its verdict (so the last matching rule
// of the spec wins), and the default answers when none matches.
std::vector<struct bpf_insn> build_device_program(const DeviceFilter& filter);

// Loads the program and attaches it to the cgroup directory `cgroup_fd`,
// replacing the programs previously attached there directly (an update
// swaps the filter; ones inherited from ancestors still apply, as the
// kernel ANDs them). Errors name `cgroup_path` and the verifier's log.
void attach_device_filter(int cgroup_fd, const std::string& cgroup_path, const DeviceFilter& filter);

}  // namespace cgroups
