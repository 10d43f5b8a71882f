// "mounts": destinations must be absolute. The spec only says SHOULD for
// Linux and runc accepts relative ones with a warning; this project refuses
// them on purpose, because a relative target resolved against an unknown
// cwd is the kind of ambiguity the mount code must never guess at.
#include "oci/parse_internal.hpp"

namespace oci::detail {

namespace {

Mount parse_mount(const JsonNode& node) {
    Mount m;
    m.destination = absolute_path(node.required("destination"));
    m.source = node.optional_string("source");
    m.type = node.optional_string("type");
    m.options = node.optional_string_array("options");
    auto uid = node.optional("uidMappings");
    auto gid = node.optional("gidMappings");
    if (uid) m.uidMappings = id_mappings(*uid);
    if (gid) m.gidMappings = id_mappings(*gid);
    // config.md: each of the two MUST be given along with the other.
    if (uid && !gid) node.fail("uidMappings given without gidMappings");
    if (gid && !uid) node.fail("gidMappings given without uidMappings");
    return m;
}

}  // namespace

std::vector<Mount> parse_mounts(const JsonNode& node) {
    std::vector<Mount> out;
    for (const auto& e : node.elements()) out.push_back(parse_mount(e));
    return out;
}

}  // namespace oci::detail
