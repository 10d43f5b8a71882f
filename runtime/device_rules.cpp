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

oci::Resources effective_resources(const oci::Linux& linux) {
    oci::Resources resources = linux.resources.value_or(oci::Resources{});
    auto& rules = resources.devices;
    // mknod of any device node; access is decided by the rules below.
    rules.push_back(allow("c", std::nullopt, std::nullopt, "m"));
    rules.push_back(allow("b", std::nullopt, std::nullopt, "m"));
    rules.push_back(allow("c", 1, 3, "rwm"));   // /dev/null
    rules.push_back(allow("c", 1, 5, "rwm"));   // /dev/zero
    rules.push_back(allow("c", 1, 7, "rwm"));   // /dev/full
    rules.push_back(allow("c", 1, 8, "rwm"));   // /dev/random
    rules.push_back(allow("c", 1, 9, "rwm"));   // /dev/urandom
    rules.push_back(allow("c", 5, 0, "rwm"));   // /dev/tty
    rules.push_back(allow("c", 5, 1, "rwm"));   // /dev/console
    rules.push_back(allow("c", 5, 2, "rwm"));   // /dev/ptmx
    rules.push_back(allow("c", 136, std::nullopt, "rwm"));  // /dev/pts/*
    rules.push_back(allow("c", 10, 200, "rwm"));  // /dev/net/tun
    for (const auto& device : linux.devices) {
        if (device.type == "p") continue;
        const char* type = device.type == "b" ? "b" : "c";
        rules.push_back(allow(type, device.major, device.minor, "rwm"));
    }
    return resources;
}

}  // namespace runtime
