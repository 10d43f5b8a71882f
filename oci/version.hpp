#pragma once

namespace oci {
// The runtime-spec version this runtime implements and writes into
// generated configs and state documents.
inline constexpr const char* kSpecVersion = "1.3.0";
}  // namespace oci
