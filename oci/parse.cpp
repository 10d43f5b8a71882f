// Top level of config.json: version, root, hostname, annotations, and the
// dispatch to the per-part parsers. Validation across parts runs last, so a
// Spec returned from here is safe for the runtime to act on.
#include "oci/parse.hpp"

#include <cctype>

#include "common/file.hpp"
#include "oci/parse_internal.hpp"

namespace oci {

namespace detail {

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// Any SemVer 1.MINOR.PATCH with optional -prerelease / +build: the spec
// keeps compatibility within a major version, so 1.x configs are ours.
bool supported_version(std::string_view v) {
    const auto suffix = v.find_first_of("-+");
    std::string_view core = v.substr(0, suffix);
    if (suffix != std::string_view::npos && suffix + 1 == v.size()) return false;
    const auto dot1 = core.find('.');
    if (dot1 == std::string_view::npos) return false;
    const auto dot2 = core.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return false;
    return core.substr(0, dot1) == "1" && all_digits(core.substr(dot1 + 1, dot2 - dot1 - 1)) &&
           all_digits(core.substr(dot2 + 1));
}

Root parse_root(const JsonNode& node) {
    Root root;
    root.path = node.required("path").as_string();
    if (root.path.empty()) node.required("path").fail("must not be empty");
    root.readonly = node.optional_bool("readonly").value_or(false);
    return root;
}

Spec parse_document(const nlohmann::json& doc) {
    const JsonNode top(doc, "");
    top.expect_object();
    Spec spec;
    const JsonNode version = top.required("ociVersion");
    spec.ociVersion = version.as_string();
    if (!supported_version(spec.ociVersion))
        version.fail("unsupported version \"" + spec.ociVersion + "\" (this runtime reads 1.x.y)");
    if (auto n = top.optional("root")) spec.root = parse_root(*n);
    spec.hostname = top.optional_string("hostname");
    spec.domainname = top.optional_string("domainname");
    if (auto n = top.optional("process")) spec.process = parse_process(*n);
    if (auto n = top.optional("mounts")) spec.mounts = parse_mounts(*n);
    if (auto n = top.optional("hooks")) spec.hooks = parse_hooks(*n);
    if (auto n = top.optional("annotations")) spec.annotations = string_map(*n);
    if (auto n = top.optional("linux")) spec.linux = parse_linux(*n);
    validate_spec(spec);
    return spec;
}

}  // namespace

}  // namespace detail

Spec parse_spec(std::string_view json_text) {
    return detail::parse_document(detail::parse_json_text(json_text, "config.json"));
}

Spec load_spec(const std::string& bundle_dir) {
    const std::string path = bundle_dir + "/config.json";
    const std::string text = common::read_file(path);
    const auto doc = detail::parse_json_text(text, path);
    try {
        return detail::parse_document(doc);
    } catch (const ConfigError& e) {
        // The JSON path alone does not say which bundle was wrong.
        throw ConfigError(path + ": " + e.what());
    }
}

Process parse_process_spec(std::string_view json_text) {
    const auto doc = detail::parse_json_text(json_text, "process.json");
    const detail::JsonNode top(doc, "");
    return detail::parse_process(top);
}

Resources parse_resources_spec(std::string_view json_text) {
    const auto doc = detail::parse_json_text(json_text, "resources");
    const detail::JsonNode top(doc, "");
    return detail::parse_resources(top);
}

}  // namespace oci
