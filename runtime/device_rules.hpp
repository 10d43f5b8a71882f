// The device cgroup rules a container really gets: the config's
// linux.resources.devices, then (as runc does) the standard devices every
// container needs, so that a config denying everything still has a
// working /dev/null and /dev/pts. Nothing else: the nodes linux.devices
// creates in the container's /dev are not allowed by that alone (runc >= 1.0
// neither), or a config could open a host device (/dev/kmsg, a disk) just
// by naming it there; a node the container needs is allowed by a
// linux.resources.devices rule.
#pragma once

#include <vector>

#include "oci/spec.hpp"

namespace runtime {

// `configured` followed by the standard allow rules.
std::vector<oci::DeviceCgroupRule> effective_device_rules(std::vector<oci::DeviceCgroupRule> configured);

// linux.resources with the devices as effective_device_rules makes them.
oci::Resources effective_resources(const oci::Linux& linux);

}  // namespace runtime
