// Warnings the cgroup code gives while carrying on (a joined cgroup that
// already holds processes, as runc warns too). The runtime routes them to
// its log (stderr, or --log FILE in text or JSON); until it installs its
// sink they go to stderr, so none is lost.
#pragma once

#include <string>

namespace cgroups {

using WarningSink = void (*)(const std::string& message);

// Installs `sink` (nullptr: back to stderr). Process-wide.
void set_warning_sink(WarningSink sink);

void warn(const std::string& message);

}  // namespace cgroups
