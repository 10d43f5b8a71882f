// linux.resources.devices as the kernel needs it: the rule list folded into
// the state a v1 devices cgroup keeps (a default plus exceptions, as runc's
// devices emulator models it), the v1 devices.allow / devices.deny writes
// that move a cgroup from one state to another, and the filter the v2 eBPF
// program is built from. Pure functions: no I/O here.
#pragma once

#include <compare>
#include <cstdint>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"

namespace cgroups {

// Access bits as the v2 BPF context encodes them (BPF_DEVCG_ACC_*).
enum DeviceAccess : unsigned { kAccessMknod = 1, kAccessRead = 2, kAccessWrite = 4, kAccessAll = 7 };

struct DeviceRule {
    bool allow = false;
    char type = 'a';  // 'a', 'c' or 'b'
    int64_t major = -1;  // -1: any
    int64_t minor = -1;
    unsigned access = kAccessAll;
};

// Validates one spec rule (type in a/c/b, access a subset of "rwm") and
// normalises the defaults; `index` names it in errors.
DeviceRule to_device_rule(const oci::DeviceCgroupRule& rule, size_t index);

// "c 1:3 rwm", the kernel's own notation (devices.list, devices.allow).
std::string device_line(char type, int64_t major, int64_t minor, unsigned access);

// What a v1 devices cgroup holds: a default and exceptions to it (allowed
// accesses when the default denies, denied ones when it allows). Rules fold
// in as the kernel applies them: an "a" rule resets (whatever numbers or
// access it names, the kernel reads only the "a"), an allow adds to a
// deny-by-default set's exceptions or removes from an allow-by-default
// set's, a deny the other way round.
struct DeviceState {
    struct Key {
        char type = 'c';
        int64_t major = -1;
        int64_t minor = -1;
        auto operator<=>(const Key&) const = default;
    };
    // Access bits per device (pattern), kept in the order the rules first
    // name them: the kernel lists exceptions in the order they were
    // written, and the spec (and the validation suite, through
    // devices.list) wants "the listed order". A map with std::map's
    // interface, over a short vector.
    class Exceptions {
    public:
        using value_type = std::pair<Key, unsigned>;
        using iterator = std::vector<value_type>::iterator;
        using const_iterator = std::vector<value_type>::const_iterator;
        iterator begin() { return items_.begin(); }
        iterator end() { return items_.end(); }
        const_iterator begin() const { return items_.begin(); }
        const_iterator end() const { return items_.end(); }
        size_t size() const { return items_.size(); }
        bool empty() const { return items_.empty(); }
        void clear() { items_.clear(); }
        iterator find(const Key& key);
        const_iterator find(const Key& key) const;
        unsigned& operator[](const Key& key);  // appended when new
        unsigned at(const Key& key) const;
        void erase(iterator it) { items_.erase(it); }
        // The same exceptions, whatever their order.
        bool operator==(const Exceptions& other) const;

    private:
        std::vector<value_type> items_;
    };

    // A rule list starts from deny-all, as in runc: a config that never
    // says "allow everything" gets only what it lists (and the runtime's
    // default devices), not what the parent cgroup happened to allow.
    bool default_allow = false;
    Exceptions exceptions;

    // Throws when the rule would take away part of a wildcard exception
    // (deny "c 1:9" under an allowed "c *:*"): the v1 kernel silently
    // ignores such a write, leaving the device open; runc refuses it too.
    void apply(const DeviceRule& rule);
};

// The state `rules` ask for, starting from deny-all.
DeviceState device_state(const std::vector<oci::DeviceCgroupRule>& rules);

// The state a v1 cgroup reports in devices.list. Allow-by-default shows as
// the single line "a *:* rwm" whatever it denies: the exceptions of such a
// cgroup cannot be read back (the state then lists none).
DeviceState parse_devices_list(std::string_view text);

// v1: one write to devices.allow or devices.deny.
struct V1DeviceWrite {
    std::string file;  // "devices.allow" or "devices.deny"
    std::string line;  // "c 1:3 rwm"
};

// The writes that take a cgroup from `from` to `to` such that no step
// grants more than `from` and `to` both do, except when `to` allows by
// default and so must start from allow-all (runc's Transition):
//  - same default, deny-by-default: first deny what `to` drops, then allow
//    what it adds (the intermediate state is the intersection);
//  - otherwise (the default changes, or `from` allows by default and its
//    exceptions are unknown): the reset to `to`'s default first ("a *:*
//    rwm" to devices.deny when `to` denies by default), then every
//    exception of `to`.
std::vector<V1DeviceWrite> device_transition(const DeviceState& from, const DeviceState& to);

// The same state as an ordered rule list for the v2 eBPF program: the
// default, and the exceptions (allow rules for a deny-by-default state,
// deny rules otherwise; all of one kind, so their order does not matter).
struct DeviceFilter {
    bool default_allow = false;
    std::vector<DeviceRule> rules;  // the last match decides
};
DeviceFilter device_filter(const DeviceState& state);
DeviceFilter make_device_filter(const std::vector<oci::DeviceCgroupRule>& rules);

// What the filter decides for one access (type 'c'/'b'); the reference the
// eBPF program is tested against. Allow rules grant a request only if they
// cover every bit asked for; deny rules refuse a request asking for any bit
// they name (as the v1 kernel matches exceptions).
bool device_allowed(const DeviceFilter& filter, char type, int64_t major, int64_t minor, unsigned access);

}  // namespace cgroups
