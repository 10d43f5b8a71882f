// OCI hooks: each runs with the container state JSON on stdin, its own args
// and env, and an optional timeout.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace runtime {

// Runs the hooks in order; the first failure throws, naming the phase, the
// index and the path ("createRuntime hook [0] /x: exit status 3").
void run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state_json, const char* phase);

// For poststart and poststop, whose failures only warn: every hook runs.
void run_hooks_warn(const std::vector<oci::Hook>& hooks, const std::string& state_json, const char* phase);

}  // namespace runtime
