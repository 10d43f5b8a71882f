// Stats: the runtime's `events --stats` JSON (runc's stats layout) turned
// into containerd's cgroup v1 Metrics.
#pragma once

#include <string>

#include "shim/proto/metrics.hpp"

namespace shim {

// Throws common::Error when the JSON is not a stats event.
shimproto::CgroupMetrics metrics_from_stats_json(const std::string& json);

}  // namespace shim
