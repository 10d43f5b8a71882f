// Linux capability names <-> numbers (linux/capability.h), with no syscall:
// the parser checks names against it, the runtime turns names into numbers,
// and `features` lists it.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace oci {

// Highest capability this table knows (CAP_CHECKPOINT_RESTORE).
inline constexpr int kLastCapability = 40;

// "CAP_CHOWN" -> 0; nullopt for an unknown name. Case-sensitive, as the spec.
std::optional<int> capability_number(std::string_view name);

// 0 -> "CAP_CHOWN"; nullptr outside 0..kLastCapability.
const char* capability_name(int number);

// Every known name, in number order.
std::span<const char* const> all_capability_names();

}  // namespace oci
