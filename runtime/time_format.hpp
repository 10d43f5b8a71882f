#pragma once

#include <string>

namespace runtime {
// Current time as RFC 3339 with nanoseconds in UTC, as runc writes "created".
std::string now_rfc3339();
}  // namespace runtime
