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

// The value as the file takes it; nothing when absent, or when zero and
// zero means "not set" in runc's model (the kernel refuses a 0 period).
template <typename T>
std::optional<std::string> text_of(const std::optional<T>& value, bool zero_is_unset = false) {
    if (!value || (zero_is_unset && *value == 0)) return std::nullopt;
    return std::to_string(*value);
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
    write_pair(dir, "cpu.period", "cpu.cfs_period_us", text_of(cpu.period, true), "cpu.quota", "cpu.cfs_quota_us",
               text_of(cpu.quota, true));
    if (cpu.burst) dir.write("cpu.burst", "cpu.cfs_burst_us", std::to_string(*cpu.burst));
    write_pair(dir, "cpu.realtimePeriod", "cpu.rt_period_us", text_of(cpu.realtimePeriod, true),
               "cpu.realtimeRuntime", "cpu.rt_runtime_us", text_of(cpu.realtimeRuntime));
    if (cpu.idle) dir.write("cpu.idle", "cpu.idle", *cpu.idle ? "1" : "0");
}

}  // namespace cgroups::v1
