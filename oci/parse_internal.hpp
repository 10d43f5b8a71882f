// Pieces of the config parser, one file per part of the document. Each
// parse_* reads one JSON node (which knows its path) into spec values and
// checks the rules local to it; validate_spec checks the rules that span
// parts (namespaces vs hostname, mappings, sysctls, ...). Internal to oci/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "oci/json_reader.hpp"
#include "oci/spec.hpp"

namespace oci::detail {

Process parse_process(const JsonNode& node);
std::vector<Mount> parse_mounts(const JsonNode& node);
Hooks parse_hooks(const JsonNode& node);
Linux parse_linux(const JsonNode& node);
Resources parse_resources(const JsonNode& node);
Seccomp parse_seccomp(const JsonNode& node);

// Rules across members; throws ConfigError naming the member at fault.
void validate_spec(const Spec& spec);

// Shared small rules.
std::string absolute_path(const JsonNode& node);  // string starting with '/'
std::vector<std::string> absolute_paths(const JsonNode& node);
std::vector<std::string> env_list(const JsonNode& node);  // NAME=VALUE entries
std::vector<IdMapping> id_mappings(const JsonNode& node);
std::map<std::string, std::string> string_map(const JsonNode& node);

// Parses text into a document; a syntax error names `source`.
nlohmann::json parse_json_text(std::string_view text, std::string_view source);

}  // namespace oci::detail
