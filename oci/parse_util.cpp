// Small rules shared by several parts of the config.
#include <map>

#include "oci/parse.hpp"
#include "oci/parse_internal.hpp"

namespace oci::detail {

std::string absolute_path(const JsonNode& node) {
    std::string path = node.as_string();
    if (path.empty() || path.front() != '/') node.fail("must be an absolute path, not \"" + path + "\"");
    return path;
}

std::vector<std::string> absolute_paths(const JsonNode& node) {
    std::vector<std::string> out;
    for (const auto& e : node.elements()) out.push_back(absolute_path(e));
    return out;
}

std::vector<std::string> env_list(const JsonNode& node) {
    std::vector<std::string> out;
    for (const auto& e : node.elements()) {
        std::string entry = e.as_string();
        // execve would accept anything, but an entry without '=' or with an
        // empty name is invisible to getenv and almost always a typo.
        const auto eq = entry.find('=');
        if (eq == std::string::npos) e.fail("\"" + entry + "\" is not NAME=VALUE (missing '=')");
        if (eq == 0) e.fail("\"" + entry + "\" has an empty variable name");
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<IdMapping> id_mappings(const JsonNode& node) {
    std::vector<IdMapping> out;
    for (const auto& e : node.elements()) {
        IdMapping m;
        m.containerID = e.required("containerID").as_int<uint32_t>();
        m.hostID = e.required("hostID").as_int<uint32_t>();
        m.size = e.required("size").as_int<uint32_t>();
        if (m.size == 0) e.required("size").fail("must be greater than zero");
        out.push_back(m);
    }
    return out;
}

std::map<std::string, std::string> string_map(const JsonNode& node) {
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : node.members()) {
        if (key.empty()) node.fail("keys must not be empty");
        out[key] = value.as_string();
    }
    return out;
}

nlohmann::json parse_json_text(std::string_view text, std::string_view source) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
        // Not only parse_error: a number too large for a double is
        // out_of_range.406 (found by the fuzzer). nlohmann's text starts with
        // "[json.exception.parse_error.101] parse error at line L, column C: ";
        // keep only the part a user needs.
        std::string detail = e.what();
        if (auto pos = detail.find("] "); pos != std::string::npos) detail.erase(0, pos + 2);
        if (detail.rfind("parse error at ", 0) == 0) detail.erase(0, 15);
        throw ConfigError(std::string(source) + ": invalid JSON: " + detail);
    }
}

}  // namespace oci::detail
