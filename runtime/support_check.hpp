// What this runtime refuses in a valid config because it cannot honour it
// here (yet): checked before any side effect, with the field named.
#pragma once

#include "oci/spec.hpp"

namespace runtime {

void check_supported(const oci::Spec& spec);

}  // namespace runtime
