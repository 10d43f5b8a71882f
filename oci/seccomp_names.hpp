// The seccomp vocabulary of runtime-spec v1.3 (actions, architectures,
// filter flags, argument operators). The parser validates against these
// lists and `features` reports them; the runtime maps them to libseccomp.
#pragma once

#include <span>
#include <string_view>

namespace oci {

std::span<const char* const> seccomp_actions();
std::span<const char* const> seccomp_architectures();
std::span<const char* const> seccomp_flags();
std::span<const char* const> seccomp_operators();

// True when `name` is in `list`.
bool contains_name(std::span<const char* const> list, std::string_view name);

}  // namespace oci
