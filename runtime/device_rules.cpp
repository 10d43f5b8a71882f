#include "runtime/device_rules.hpp"

namespace runtime {

namespace {

oci::DeviceCgroupRule allow(const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                            const char* access) {
    oci::DeviceCgroupRule rule;
    rule.allow = true;
    rule.type = type;
    rule.major = major;
    rule.minor = minor;
    rule.access = access;
    return rule;
}

}  // namespace

std::vector<oci::DeviceCgroupRule> effective_device_rules(std::vector<oci::DeviceCgroupRule> rules) {
    // runc's AllowedDevices (libcontainer/specconv), the same list. No
    // /dev/console (5:1): the container's console is a pty bound over it
    // (136:*), and the host's console is not the container's to write.
    // mknod of any device node; access is decided by the rules below.
    rules.push_back(allow("c", std::nullopt, std::nullopt, "m"));
    rules.push_back(allow("b", std::nullopt, std::nullopt, "m"));
    rules.push_back(allow("c", 1, 3, "rwm"));   // /dev/null
    rules.push_back(allow("c", 1, 5, "rwm"));   // /dev/zero
    rules.push_back(allow("c", 1, 7, "rwm"));   // /dev/full
    rules.push_back(allow("c", 1, 8, "rwm"));   // /dev/random
    rules.push_back(allow("c", 1, 9, "rwm"));   // /dev/urandom
    rules.push_back(allow("c", 5, 0, "rwm"));   // /dev/tty
    rules.push_back(allow("c", 5, 2, "rwm"));   // /dev/ptmx
    rules.push_back(allow("c", 136, std::nullopt, "rwm"));  // /dev/pts/*
    rules.push_back(allow("c", 10, 200, "rwm"));  // /dev/net/tun
    return rules;
}

oci::Resources effective_resources(const oci::Linux& linux) {
    oci::Resources resources = linux.resources.value_or(oci::Resources{});
    resources.devices = effective_device_rules(std::move(resources.devices));
    return resources;
}

}  // namespace runtime
