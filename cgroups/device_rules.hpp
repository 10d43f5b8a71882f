// linux.resources.devices as the kernel needs it: the v1 devices.allow /
// devices.deny lines, and the normalised rule set the v2 eBPF filter is
// built from.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace cgroups {

// Access bits as the v2 BPF context encodes them (BPF_DEVCG_ACC_*).
enum DeviceAccess : unsigned { kAccessMknod = 1, kAccessRead = 2, kAccessWrite = 4, kAccessAll = 7 };

struct DeviceRule {
    bool allow = false;
    char type = 'a';  // 'a', 'c' or 'b'
    int64_t major = -1;  // -1: any
    int64_t minor = -1;
    unsigned access = kAccessAll;
};

// Validates one spec rule (type in a/c/b, access a subset of "rwm") and
// normalises the defaults; `index` names it in errors.
DeviceRule to_device_rule(const oci::DeviceCgroupRule& rule, size_t index);

// The rules with the v1 kernel's semantics made explicit: a rule covering
// every device and access ("a *:* rwm") resets the default and discards the
// rules before it; the later rules are exceptions, the last matching wins.
// Without a reset the default is "allow", as a new v1 cgroup inherits.
struct DeviceFilter {
    bool default_allow = true;
    std::vector<DeviceRule> rules;  // in spec order; the last match decides
};
DeviceFilter make_device_filter(const std::vector<oci::DeviceCgroupRule>& rules);

// What the filter decides for one access (type 'c'/'b'); the reference the
// eBPF program is tested against.
bool device_allowed(const DeviceFilter& filter, char type, int64_t major, int64_t minor, unsigned access);

// v1: the (file, line) writes, in order, e.g. ("devices.deny", "a *:* rwm").
struct V1DeviceWrite {
    std::string file;
    std::string line;
};
std::vector<V1DeviceWrite> v1_device_writes(const std::vector<oci::DeviceCgroupRule>& rules);

}  // namespace cgroups
