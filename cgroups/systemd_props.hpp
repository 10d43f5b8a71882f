// A systemd unit property as the driver hands it to D-Bus: a name and a
// value of one of the few D-Bus types systemd's cgroup properties use. Kept
// apart from the bus client so that the pure rules (systemd_units.hpp) and
// their tests need no libsystemd.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cgroups::systemd {

// Each alternative is marshalled as a variant of the signature in the
// comment (signature_of).
using Value = std::variant<bool,                                              // b
                           std::string,                                       // s
                           uint64_t,                                          // t
                           uint32_t,                                          // u
                           std::vector<uint8_t>,                              // ay
                           std::vector<uint32_t>,                             // au
                           std::vector<std::string>,                          // as
                           std::vector<std::pair<std::string, std::string>>,  // a(ss)
                           std::vector<std::pair<std::string, uint64_t>>>;    // a(st)

struct Property {
    std::string name;
    Value value;
};
using Properties = std::vector<Property>;

const char* signature_of(const Value& value);
// "MemoryMax=1048576", "DeviceAllow=[/dev/null rwm]": for logs and errors.
std::string to_string(const Property& property);
std::string to_string(const Properties& properties);

}  // namespace cgroups::systemd
