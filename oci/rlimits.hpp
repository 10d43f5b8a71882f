// RLIMIT_* names -> resource numbers as Linux defines them (asm-generic),
// kept as plain numbers so that oci/ needs no system header.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace oci {

// "RLIMIT_NOFILE" -> 7; nullopt for an unknown name.
std::optional<int> rlimit_number(std::string_view name);

// Every known name, in number order (RLIMIT_CPU = 0 ... RLIMIT_RTTIME = 15).
std::span<const char* const> all_rlimit_names();

}  // namespace oci
