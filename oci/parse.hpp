// config.json -> oci::Spec, with every spec rule checked before anything
// touches the system. Errors name the JSON path and the rule broken, e.g.
//   mounts[2].destination: must be an absolute path
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "oci/spec.hpp"

namespace oci {

// Thrown for any malformed or invalid configuration.
class ConfigError : public common::Error {
public:
    using common::Error::Error;
};

// Parses JSON text and validates the whole document (types, required
// members, enum values, absolute paths, namespace-dependent rules, ...).
// Unknown members are ignored; JSON null counts as absent. Errors read
// "<json path>: <rule>", or "config.json: invalid JSON: line L, column C:
// ..." for a syntax error. A returned Spec is safe to act on, except that
// `root` is only checked when present: `create` must require root.path.
Spec parse_spec(std::string_view json_text);

// Reads <bundle>/config.json and parses it; every error starts with the
// file's path, then the JSON path ("/b/config.json: process.cwd: ...").
// A syntax error reads "<file>: invalid JSON: line L, column C: ...".
Spec load_spec(const std::string& bundle_dir);

// `exec --process F`: a process object alone, with the same rules as the
// config's "process" (errors name members from the top: "cwd: required").
// The caller still checks what needs the container (e.g. rlimits it allows).
Process parse_process_spec(std::string_view json_text);

// `update --resources`: a LinuxResources object alone, same rules as
// linux.resources (errors name members from the top: "memory.limit: ...").
Resources parse_resources_spec(std::string_view json_text);

}  // namespace oci
