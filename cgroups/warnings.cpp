#include "cgroups/warnings.hpp"

#include <unistd.h>

namespace cgroups {

namespace {
WarningSink g_sink = nullptr;
}

void set_warning_sink(WarningSink sink) { g_sink = sink; }

void warn(const std::string& message) {
    if (g_sink) return g_sink(message);
    const std::string line = "warning: " + message + "\n";
    (void)!::write(2, line.data(), line.size());
}

}  // namespace cgroups
