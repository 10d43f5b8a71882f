// "linux.seccomp": every name is checked against the spec's vocabulary so
// that the filter builder never meets an unknown action or operator.
#include "oci/parse.hpp"
#include "oci/parse_internal.hpp"
#include "oci/seccomp_names.hpp"

namespace oci::detail {

namespace {

std::string checked_name(const JsonNode& node, std::span<const char* const> known, std::string_view what) {
    std::string name = node.as_string();
    if (!contains_name(known, name)) node.fail("unknown seccomp " + std::string(what) + " \"" + name + "\"");
    return name;
}

SeccompArg parse_arg(const JsonNode& node) {
    SeccompArg a;
    const JsonNode index = node.required("index");
    a.index = index.as_int<uint32_t>();
    if (a.index > 5) index.fail("must be between 0 and 5 (a syscall has six arguments)");
    a.value = node.required("value").as_int<uint64_t>();
    a.valueTwo = node.optional_int<uint64_t>("valueTwo").value_or(0);
    a.op = checked_name(node.required("op"), seccomp_operators(), "operator");
    return a;
}

SeccompSyscall parse_syscall(const JsonNode& node) {
    SeccompSyscall s;
    const JsonNode names = node.required("names");
    for (const auto& e : names.elements()) {
        std::string name = e.as_string();
        if (name.empty()) e.fail("must not be empty");
        s.names.push_back(std::move(name));
    }
    if (s.names.empty()) names.fail("must not be empty");
    s.action = checked_name(node.required("action"), seccomp_actions(), "action");
    s.errnoRet = node.optional_int<uint32_t>("errnoRet");
    if (auto n = node.optional("args")) {
        for (const auto& e : n->elements()) s.args.push_back(parse_arg(e));
    }
    return s;
}

}  // namespace

Seccomp parse_seccomp(const JsonNode& node) {
    Seccomp s;
    s.defaultAction = checked_name(node.required("defaultAction"), seccomp_actions(), "action");
    s.defaultErrnoRet = node.optional_int<uint32_t>("defaultErrnoRet");
    if (auto n = node.optional("architectures")) {
        for (const auto& e : n->elements())
            s.architectures.push_back(checked_name(e, seccomp_architectures(), "architecture"));
    }
    if (auto n = node.optional("flags")) {
        for (const auto& e : n->elements()) s.flags.push_back(checked_name(e, seccomp_flags(), "flag"));
    }
    if (auto n = node.optional("listenerPath")) s.listenerPath = n->as_string();
    s.listenerMetadata = node.optional_string("listenerMetadata");
    if (auto n = node.optional("syscalls")) {
        for (const auto& e : n->elements()) s.syscalls.push_back(parse_syscall(e));
    }
    // A notify action hands the listener fd to an agent over listenerPath;
    // without one the container would block forever on the first such call.
    bool notifies = s.defaultAction == "SCMP_ACT_NOTIFY";
    for (const auto& sc : s.syscalls) notifies = notifies || sc.action == "SCMP_ACT_NOTIFY";
    if (notifies) {
        auto path = node.optional("listenerPath");
        if (!path) throw ConfigError(member_path(node.path(), "listenerPath") + ": required when an action is SCMP_ACT_NOTIFY");
        absolute_path(*path);
    }
    return s;
}

}  // namespace oci::detail
