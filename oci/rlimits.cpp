#include "oci/rlimits.hpp"

#include <array>

namespace oci {

namespace {

// Index == resource number on Linux (the generic table; x86, arm, s390 and
// riscv all use it; only mips/sparc/alpha differ, and we do not run there).
constexpr std::array<const char*, 16> kNames = {
    "RLIMIT_CPU",     "RLIMIT_FSIZE",  "RLIMIT_DATA",    "RLIMIT_STACK",
    "RLIMIT_CORE",    "RLIMIT_RSS",    "RLIMIT_NPROC",   "RLIMIT_NOFILE",
    "RLIMIT_MEMLOCK", "RLIMIT_AS",     "RLIMIT_LOCKS",   "RLIMIT_SIGPENDING",
    "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO",  "RLIMIT_RTTIME",
};

}  // namespace

std::optional<int> rlimit_number(std::string_view name) {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (name == kNames[i]) return static_cast<int>(i);
    }
    return std::nullopt;
}

std::span<const char* const> all_rlimit_names() { return kNames; }

}  // namespace oci
