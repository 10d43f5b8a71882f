// The name <-> number tables the runtime uses to apply capabilities and
// rlimits: numbers must match Linux exactly.
#include <doctest/doctest.h>

#include <string>

#include "oci/capabilities.hpp"
#include "oci/rlimits.hpp"
#include "oci/seccomp_names.hpp"

TEST_CASE("capability numbers match linux/capability.h") {
    CHECK(oci::capability_number("CAP_CHOWN") == 0);
    CHECK(oci::capability_number("CAP_KILL") == 5);
    CHECK(oci::capability_number("CAP_NET_ADMIN") == 12);
    CHECK(oci::capability_number("CAP_SYS_ADMIN") == 21);
    CHECK(oci::capability_number("CAP_AUDIT_WRITE") == 29);
    CHECK(oci::capability_number("CAP_SETFCAP") == 31);
    CHECK(oci::capability_number("CAP_AUDIT_READ") == 37);
    CHECK(oci::capability_number("CAP_CHECKPOINT_RESTORE") == 40);
    CHECK(!oci::capability_number("CAP_FOO"));
    CHECK(!oci::capability_number("cap_chown"));
    CHECK(!oci::capability_number("CHOWN"));
    CHECK(oci::capability_name(-1) == nullptr);
    CHECK(oci::capability_name(41) == nullptr);
    CHECK(std::string(oci::capability_name(39)) == "CAP_BPF");

    const auto names = oci::all_capability_names();
    REQUIRE(names.size() == 41);
    for (int i = 0; i <= oci::kLastCapability; ++i) {
        CAPTURE(i);
        CHECK(oci::capability_number(oci::capability_name(i)) == i);
        CHECK(std::string(names[static_cast<std::size_t>(i)]) == oci::capability_name(i));
    }
}

TEST_CASE("rlimit numbers match Linux") {
    CHECK(oci::rlimit_number("RLIMIT_CPU") == 0);
    CHECK(oci::rlimit_number("RLIMIT_CORE") == 4);
    CHECK(oci::rlimit_number("RLIMIT_NPROC") == 6);
    CHECK(oci::rlimit_number("RLIMIT_NOFILE") == 7);
    CHECK(oci::rlimit_number("RLIMIT_MEMLOCK") == 8);
    CHECK(oci::rlimit_number("RLIMIT_AS") == 9);
    CHECK(oci::rlimit_number("RLIMIT_RTTIME") == 15);
    CHECK(!oci::rlimit_number("RLIMIT_FOO"));
    CHECK(oci::all_rlimit_names().size() == 16);
}

TEST_CASE("seccomp vocabulary") {
    CHECK(oci::seccomp_actions().size() == 9);
    CHECK(oci::seccomp_operators().size() == 7);
    CHECK(oci::seccomp_flags().size() == 4);
    CHECK(oci::contains_name(oci::seccomp_architectures(), "SCMP_ARCH_X86_64"));
    CHECK(!oci::contains_name(oci::seccomp_architectures(), "SCMP_ARCH_x86_64"));
}
