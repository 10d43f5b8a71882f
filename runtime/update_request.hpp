// What `update` and `events` are asked: runc's update flags turned into a
// LinuxResources JSON patch, memory sizes with suffixes, Go-style durations.
// Pure functions (no I/O), unit-tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace runtime {

// runc's memory values: "-1" (unlimited) or a size with an optional binary
// suffix: "1048576", "512k", "100m", "1.5g", "2GiB", "64MB" (case-insensitive).
int64_t parse_memory_size(const std::string& text, const std::string& flag);

// The LinuxResources JSON object the flags ask for (flag name without
// dashes -> value), e.g. {"memory":{"limit":104857600},"pids":{"limit":50}}.
// Throws for unknown or unsupported flags (l3-cache-schema, mem-bw-schema)
// and malformed values, naming the flag.
nlohmann::json resources_patch_from_flags(const std::map<std::string, std::string>& flags);

// Removes from a LinuxResources patch the values runc's update reads as
// "leave it as it is": 0 for the memory, cpu, blockIO weight and pids
// numbers, "" for cpus/mems (runc's `update --help` prints a template of
// such zeros), and the sections left empty. Writing them instead would
// set a 0-byte memory limit or a 0 weight.
void drop_unchanged(nlohmann::json& patch);

// Go durations as runc's --interval takes them: "5s", "500ms", "1m30s",
// "1.5s", "250us"; must be > 0.
std::chrono::nanoseconds parse_duration(const std::string& text);

}  // namespace runtime
