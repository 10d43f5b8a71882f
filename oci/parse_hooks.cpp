// "hooks": each hook names an absolute executable; timeouts are positive.
#include "oci/parse_internal.hpp"

namespace oci::detail {

namespace {

Hook parse_hook(const JsonNode& node) {
    Hook h;
    h.path = absolute_path(node.required("path"));
    h.args = node.optional_string_array("args");
    if (auto n = node.optional("env")) h.env = env_list(*n);
    if (auto n = node.optional("timeout")) {
        h.timeout = n->as_int<int32_t>();
        if (*h.timeout <= 0) n->fail("must be greater than zero");
    }
    return h;
}

std::vector<Hook> parse_hook_list(const JsonNode& parent, std::string_view key) {
    std::vector<Hook> out;
    if (auto n = parent.optional(key)) {
        for (const auto& e : n->elements()) out.push_back(parse_hook(e));
    }
    return out;
}

}  // namespace

Hooks parse_hooks(const JsonNode& node) {
    node.expect_object();
    Hooks hooks;
    hooks.prestart = parse_hook_list(node, "prestart");
    hooks.createRuntime = parse_hook_list(node, "createRuntime");
    hooks.createContainer = parse_hook_list(node, "createContainer");
    hooks.startContainer = parse_hook_list(node, "startContainer");
    hooks.poststart = parse_hook_list(node, "poststart");
    hooks.poststop = parse_hook_list(node, "poststop");
    return hooks;
}

}  // namespace oci::detail
