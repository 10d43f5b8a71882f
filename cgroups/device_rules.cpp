#include "cgroups/device_rules.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

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

std::string device_line(char type, int64_t major, int64_t minor, unsigned access) {
    auto number = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
    return std::string(1, type) + " " + number(major) + ":" + number(minor) + " " + access_string(access);
}

DeviceState::Exceptions::iterator DeviceState::Exceptions::find(const Key& key) {
    return std::find_if(items_.begin(), items_.end(), [&](const value_type& item) { return item.first == key; });
}

DeviceState::Exceptions::const_iterator DeviceState::Exceptions::find(const Key& key) const {
    return std::find_if(items_.begin(), items_.end(), [&](const value_type& item) { return item.first == key; });
}

unsigned& DeviceState::Exceptions::operator[](const Key& key) {
    auto it = find(key);
    if (it != items_.end()) return it->second;
    return items_.emplace_back(key, 0u).second;
}

unsigned DeviceState::Exceptions::at(const Key& key) const {
    auto it = find(key);
    if (it == items_.end()) throw std::out_of_range("device exception");
    return it->second;
}

bool DeviceState::Exceptions::operator==(const Exceptions& other) const {
    if (size() != other.size()) return false;
    return std::all_of(items_.begin(), items_.end(), [&](const value_type& item) {
        auto it = other.find(item.first);
        return it != other.end() && it->second == item.second;
    });
}

void DeviceState::apply(const DeviceRule& rule) {
    if (rule.type == 'a') {
        // The kernel looks at the first character alone: any "a" rule
        // switches the default and drops every exception.
        default_allow = rule.allow;
        exceptions.clear();
        return;
    }
    const Key key{rule.type, rule.major, rule.minor};
    if (rule.allow != default_allow) {
        // An exception to the default: merged with one for the same device.
        exceptions[key] |= rule.access;
        return;
    }
    // Back towards the default: the kernel subtracts the access from the
    // exception of exactly this device, and from no wider one. A wider one
    // granting (or refusing) part of it would make the rule a no-op that
    // looks like it worked.
    for (const Key& wider : {Key{rule.type, -1, rule.minor}, Key{rule.type, rule.major, -1}, Key{rule.type, -1, -1}}) {
        if (wider == key) continue;
        auto it = exceptions.find(wider);
        if (it != exceptions.end() && (it->second & rule.access) != 0)
            throw common::Error("linux.resources.devices: the rule " +
                                    std::string(rule.allow ? "allowing " : "denying ") +
                                    device_line(rule.type, rule.major, rule.minor, rule.access) +
                                    " cannot carve an exception out of the wider rule " +
                                    device_line(wider.type, wider.major, wider.minor, it->second) +
                                    " (the devices cgroup would ignore it)",
                                EINVAL);
    }
    auto it = exceptions.find(key);
    if (it == exceptions.end()) return;
    it->second &= ~rule.access;
    if (it->second == 0) exceptions.erase(it);
}

DeviceState device_state(const std::vector<oci::DeviceCgroupRule>& rules) {
    DeviceState state;
    for (size_t i = 0; i < rules.size(); ++i) state.apply(to_device_rule(rules[i], i));
    return state;
}

DeviceState parse_devices_list(std::string_view text) {
    DeviceState state;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.empty()) continue;
        // "c 1:3 rwm": type, major:minor ("*" for any), access.
        auto sp1 = line.find(' ');
        auto colon = line.find(':');
        auto sp2 = line.find(' ', colon == std::string::npos ? 0 : colon);
        if (sp1 != 1 || colon == std::string::npos || sp2 == std::string::npos || colon < sp1)
            throw common::Error("devices.list: cannot parse the line \"" + line + "\"");
        oci::DeviceCgroupRule spec;
        spec.allow = true;
        spec.type = line.substr(0, 1);
        auto number = [&](const std::string& part) -> std::optional<int64_t> {
            if (part == "*") return std::nullopt;
            auto v = parse_u64(part);
            if (!v) throw common::Error("devices.list: cannot parse the line \"" + line + "\"");
            return static_cast<int64_t>(*v);
        };
        spec.major = number(line.substr(sp1 + 1, colon - sp1 - 1));
        spec.minor = number(line.substr(colon + 1, sp2 - colon - 1));
        spec.access = line.substr(sp2 + 1);
        try {
            state.apply(to_device_rule(spec, 0));
        } catch (const common::Error& e) {
            throw common::Error("devices.list: cannot parse the line \"" + line + "\": " + e.what());
        }
    }
    return state;
}

std::vector<V1DeviceWrite> device_transition(const DeviceState& from, const DeviceState& to) {
    std::vector<V1DeviceWrite> out;
    auto write = [&](bool allow, char type, int64_t major, int64_t minor, unsigned access) {
        out.push_back({allow ? "devices.allow" : "devices.deny", device_line(type, major, minor, access)});
    };
    const DeviceState::Exceptions none;
    const auto* old = &from.exceptions;
    // An allow-by-default cgroup's exceptions are not in devices.list, so
    // they can only be cleared wholesale, as must be those of a cgroup
    // whose default changes.
    if (from.default_allow || from.default_allow != to.default_allow) {
        write(to.default_allow, 'a', -1, -1, kAccessAll);
        old = &none;
    }
    // Exceptions `to` lacks go first, then the ones it adds: in between,
    // the cgroup holds what both grant.
    for (const auto& [key, access] : *old) {
        auto it = to.exceptions.find(key);
        const unsigned dropped = access & ~(it == to.exceptions.end() ? 0u : it->second);
        if (dropped) write(to.default_allow, key.type, key.major, key.minor, dropped);
    }
    for (const auto& [key, access] : to.exceptions) {
        auto it = old->find(key);
        const unsigned gained = access & ~(it == old->end() ? 0u : it->second);
        if (gained) write(!to.default_allow, key.type, key.major, key.minor, gained);
    }
    return out;
}

DeviceFilter make_device_filter(const std::vector<oci::DeviceCgroupRule>& rules) {
    return device_filter(device_state(rules));
}

DeviceFilter device_filter(const DeviceState& state) {
    DeviceFilter f;
    f.default_allow = state.default_allow;
    for (const auto& [key, access] : state.exceptions)
        f.rules.push_back({!state.default_allow, key.type, key.major, key.minor, access});
    return f;
}

bool device_allowed(const DeviceFilter& filter, char type, int64_t major, int64_t minor, unsigned access) {
    for (auto it = filter.rules.rbegin(); it != filter.rules.rend(); ++it)
        if (matches(*it, type, major, minor, access)) return it->allow;
    return filter.default_allow;
}

}  // namespace cgroups
