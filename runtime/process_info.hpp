// Facts about a live process read from /proc/<pid>/stat.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace runtime {

struct ProcessStat {
    char state = '?';         // R, S, D, Z, ...
    uint64_t start_time = 0;  // clock ticks after boot (field 22)
};

// nullopt when the process does not exist.
std::optional<ProcessStat> read_process_stat(pid_t pid);

// True when `pid` is the same live (non-zombie) process that had
// `start_time` when we recorded it.
bool process_alive(pid_t pid, uint64_t start_time);

}  // namespace runtime
