#include "cgroups/device_rules.hpp"

#include "cgroups/convert.hpp"
#include "common/error.hpp"

namespace cgroups {

namespace {
std::string access_string(unsigned access) {
    std::string s;
    if (access & kAccessRead) s += 'r';
    if (access & kAccessWrite) s += 'w';
    if (access & kAccessMknod) s += 'm';
    return s;
}

bool is_reset(const DeviceRule& r) {
    return r.type == 'a' && r.major < 0 && r.minor < 0 && r.access == kAccessAll;
}

bool matches(const DeviceRule& r, char type, int64_t major, int64_t minor, unsigned access) {
    if (r.type != 'a' && r.type != type) return false;
    if (r.major >= 0 && r.major != major) return false;
    if (r.minor >= 0 && r.minor != minor) return false;
    // An allow rule grants a request only if it covers every bit asked for;
    // a deny rule refuses a request that asks for any bit it names ("deny w"
    // refuses an open for read+write).
    return r.allow ? (access & ~r.access) == 0 : (access & r.access) != 0;
}
}  // namespace

DeviceRule to_device_rule(const oci::DeviceCgroupRule& rule, size_t index) {
    const std::string where = "linux.resources.devices[" + std::to_string(index) + "]";
    DeviceRule r;
    r.allow = rule.allow;
    if (rule.type.empty() || rule.type == "a")
        r.type = 'a';
    else if (rule.type == "c" || rule.type == "b")
        r.type = rule.type[0];
    else
        throw common::Error(where + ".type: must be \"a\", \"c\" or \"b\", not \"" + rule.type + "\"");
    r.major = rule.major.value_or(-1);
    r.minor = rule.minor.value_or(-1);
    if (!rule.access.empty()) {
        r.access = 0;
        for (char c : rule.access) {
            if (c == 'r') r.access |= kAccessRead;
            else if (c == 'w') r.access |= kAccessWrite;
            else if (c == 'm') r.access |= kAccessMknod;
            else throw common::Error(where + ".access: \"" + rule.access + "\" is not a subset of \"rwm\"");
        }
    }
    return r;
}

DeviceFilter make_device_filter(const std::vector<oci::DeviceCgroupRule>& rules) {
    DeviceFilter f;
    for (size_t i = 0; i < rules.size(); ++i) {
        DeviceRule r = to_device_rule(rules[i], i);
        if (is_reset(r)) {
            f.default_allow = r.allow;
            f.rules.clear();
        } else {
            f.rules.push_back(r);
        }
    }
    return f;
}

bool device_allowed(const DeviceFilter& filter, char type, int64_t major, int64_t minor, unsigned access) {
    for (auto it = filter.rules.rbegin(); it != filter.rules.rend(); ++it)
        if (matches(*it, type, major, minor, access)) return it->allow;
    return filter.default_allow;
}

std::vector<V1DeviceWrite> v1_device_writes(const std::vector<oci::DeviceCgroupRule>& rules) {
    std::vector<V1DeviceWrite> out;
    for (size_t i = 0; i < rules.size(); ++i) {
        DeviceRule r = to_device_rule(rules[i], i);
        std::string line = std::string(1, r.type) + " " +
                           device_number(r.major >= 0 ? std::optional<int64_t>(r.major) : std::nullopt,
                                         r.minor >= 0 ? std::optional<int64_t>(r.minor) : std::nullopt) +
                           " " + access_string(r.access);
        out.push_back({r.allow ? "devices.allow" : "devices.deny", line});
    }
    return out;
}

}  // namespace cgroups
