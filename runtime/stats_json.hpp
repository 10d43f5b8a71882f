// cgroups::Stats as the "data" of runc's stats event (runc's types/events.go
// names), so clients that read `runc events --stats` read ours.
#pragma once

#include <nlohmann/json.hpp>

#include "cgroups/manager.hpp"

namespace runtime {

nlohmann::json stats_to_json(const cgroups::Stats& stats);

}  // namespace runtime
