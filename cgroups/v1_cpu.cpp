// v1 cpu controller: CFS shares, quota/period/burst, RT runtime, idle.
#include <cerrno>

#include "cgroups/convert.hpp"
#include "cgroups/v1_resources.hpp"
#include "common/error.hpp"

namespace cgroups::v1 {

namespace {
// Writes a (period, value) pair the kernel validates together: a period
// change can be refused (EINVAL) while the old value does not fit it
// (e.g. rt_runtime > new rt_period, or old quota/new period above the
// parent's bandwidth). Then the value goes first and the period after.
void write_pair(const ControlDir& dir, const char* period_field, const char* period_file,
                std::optional<std::string> period, const char* value_field, const char* value_file,
                std::optional<std::string> value) {
    if (period) {
        int err = dir.try_write(period_file, *period);
        if (err == 0) {
            period.reset();
        } else if (err != EINVAL || !value) {
            dir.write(period_field, period_file, *period);  // throws with the right message
        }
    }
    if (value) dir.write(value_field, value_file, *value);
    if (period) dir.write(period_field, period_file, *period);
}

std::optional<std::string> str(std::optional<uint64_t> v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
std::optional<std::string> str(std::optional<int64_t> v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
}  // namespace

void apply_cpu(const ControlDir& dir, const oci::CpuResources& cpu) {
    if (cpu.shares && *cpu.shares) {  // 0: unset, as in runc
        dir.write("cpu.shares", "cpu.shares", std::to_string(*cpu.shares));
        // The kernel clamps out-of-range shares silently; say so instead.
        auto got = parse_u64(dir.read_value("cpu.shares"));
        if (got && *got != *cpu.shares)
            throw common::Error(field_name("cpu.shares") + ": the kernel set " + std::to_string(*got) +
                                " instead of " + std::to_string(*cpu.shares) + " (allowed range 2-262144)");
    }
    // A zero period means "not set" in runc's model; the kernel refuses 0.
    std::optional<uint64_t> period = cpu.period && *cpu.period ? cpu.period : std::nullopt;
    std::optional<int64_t> quota = cpu.quota && *cpu.quota ? cpu.quota : std::nullopt;
    write_pair(dir, "cpu.period", "cpu.cfs_period_us", str(period), "cpu.quota", "cpu.cfs_quota_us", str(quota));
    if (cpu.burst) dir.write("cpu.burst", "cpu.cfs_burst_us", std::to_string(*cpu.burst));

    std::optional<uint64_t> rt_period = cpu.realtimePeriod && *cpu.realtimePeriod ? cpu.realtimePeriod : std::nullopt;
    write_pair(dir, "cpu.realtimePeriod", "cpu.rt_period_us", str(rt_period), "cpu.realtimeRuntime",
               "cpu.rt_runtime_us", str(cpu.realtimeRuntime));
    if (cpu.idle) dir.write("cpu.idle", "cpu.idle", *cpu.idle ? "1" : "0");
}

}  // namespace cgroups::v1
