// The device cgroup rules a container really gets: the config's rules, then
// (as runc does) the standard devices every container needs, and each
// linux.devices entry, so that a config denying everything still has a
// working /dev/null, /dev/pts and the devices it asked to create.
#pragma once

#include "oci/spec.hpp"

namespace runtime {

oci::Resources effective_resources(const oci::Linux& linux);

}  // namespace runtime
