// Pure conversions between the OCI (cgroup v1 shaped) resource values and
// what the kernel files take, plus parsers for the kernel's file formats.
// No I/O here, so every rule is unit-testable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cgroups {

// cpu.shares [2, 262144] -> cpu.weight [1, 10000]. 0 means "unset" and stays
// 0. The curve is the quadratic-in-log2 one runc (>= 1.3.2) and crun (>= 1.23)
// adopted, which maps the v1 default 1024 onto the v2 default 100 (the older
// linear formula mapped 1024 to 39, starving converted containers).
uint64_t cpu_shares_to_weight(uint64_t shares);

// blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 stays 0 ("unset").
uint64_t blkio_weight_to_io_weight(uint64_t weight);

// OCI memory.swap is memory+swap; cgroup v2 memory.swap.max is swap alone.
// Returns the value for memory.swap.max: nullopt = leave unset, -1 = "max".
// Throws common::Error (naming the field) for impossible combinations.
std::optional<int64_t> swap_to_v2(std::optional<int64_t> swap, std::optional<int64_t> limit);

// "max" for negative values (the kernel's "unlimited"), the number otherwise.
std::string limit_or_max(int64_t value);
// pids.max: the spec says <= 0 is unlimited.
std::string pids_max(int64_t limit);

// cpu.max line for v2: `quota` (absent: keep `current_quota`, a token read
// from the existing cpu.max), -1 or absent with nothing current -> "max".
std::string cpu_max_line(std::optional<int64_t> quota, std::optional<uint64_t> period,
                         std::string_view current_quota);

// "major:minor" with the kernel's wildcard "*" for absent numbers.
std::string device_number(std::optional<int64_t> major, std::optional<int64_t> minor);

// Parses an unsigned decimal cgroup value; "max" (and v1's huge
// "unlimited" values) -> 0, the Stats convention for "unlimited".
uint64_t parse_limit(std::string_view text);
// Parses a plain unsigned number (whitespace trimmed); nullopt if not one.
std::optional<uint64_t> parse_u64(std::string_view text);
// "key value" lines (memory.stat, cpu.stat, cgroup.events, cpuacct.stat,
// memory.oom_control) -> map; lines that do not fit are skipped.
std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text);

std::string trim(std::string_view text);

// Whitespace-separated unsigned numbers (cpuacct.usage_percpu).
std::vector<uint64_t> parse_u64_list(std::string_view text);

// One device statistic: "major:minor", an operation name, a value.
struct DeviceStat {
    uint64_t major = 0;
    uint64_t minor = 0;
    std::string op;
    uint64_t value = 0;
};
// v1 blkio files ("8:0 Read 4096" lines; the closing "Total N" line, which
// names no device, is skipped).
std::vector<DeviceStat> parse_blkio_lines(std::string_view text);
// v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0") into
// runc's v1-shaped entries: bytes (rbytes/wbytes/dbytes as Read/Write/
// Discard) and operations (rios/wios/dios), each device closed by a Total.
void parse_io_stat(std::string_view text, std::vector<DeviceStat>& bytes, std::vector<DeviceStat>& ios);

}  // namespace cgroups
