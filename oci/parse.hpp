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
// members, enum values, absolute paths, ...). Unknown members are ignored.
Spec parse_spec(std::string_view json_text);

// Reads <bundle>/config.json and parses it; the error names the file.
Spec load_spec(const std::string& bundle_dir);

}  // namespace oci
