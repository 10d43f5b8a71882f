// The -ENOSYS prologue, run on a small classic-BPF interpreter (the few
// instructions it uses), so that every architecture branch is checked,
// x32 included, which this kernel may not even offer. The real kernel runs
// it in tests/integration/test_seccomp_profiles.sh.
#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>
#include <stdexcept>

#include "runtime/seccomp_enosys.hpp"

using namespace runtime;

namespace {

constexpr uint32_t kProfile = 0x7f000000;  // what the "profile" behind the prologue answers
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kX32 = 0x40000000;

// Runs `prologue` followed by one instruction returning kProfile.
uint32_t run(std::vector<sock_filter> prog, uint32_t arch, uint32_t nr) {
    prog.push_back(BPF_STMT(BPF_RET | BPF_K, kProfile));
    uint32_t acc = 0;
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const sock_filter& in = prog[pc];
        switch (in.code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (in.k == offsetof(seccomp_data, arch)) acc = arch;
            else if (in.k == offsetof(seccomp_data, nr)) acc = nr;
            else throw std::runtime_error("load of an unexpected field");
            break;
        case BPF_JMP | BPF_JA | BPF_K: pc += in.k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += acc == in.k ? in.jt : in.jf; break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += acc > in.k ? in.jt : in.jf; break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (acc & in.k) ? in.jt : in.jf; break;
        case BPF_RET | BPF_K: return in.k;
        default: throw std::runtime_error("unexpected instruction");
        }
    }
    throw std::runtime_error("ran off the end");
}

}  // namespace

TEST_CASE("above the newest syscall a profile names: ENOSYS; the rest goes to the profile") {
    auto prog = enosys_prologue({{AUDIT_ARCH_X86_64, 434u, std::nullopt}});
    CHECK(run(prog, AUDIT_ARCH_X86_64, 435) == kEnosys);
    CHECK(run(prog, AUDIT_ARCH_X86_64, 1000) == kEnosys);
    CHECK(run(prog, AUDIT_ARCH_X86_64, 434) == kProfile);
    CHECK(run(prog, AUDIT_ARCH_X86_64, 0) == kProfile);
    // x32 calls on x86-64 are not this profile's: its own rules decide.
    CHECK(run(prog, AUDIT_ARCH_X86_64, kX32 | 1000) == kProfile);
    // Another architecture: untouched.
    CHECK(run(prog, AUDIT_ARCH_I386, 1000) == kProfile);
}

TEST_CASE("x86-64 and x32 in one profile: each ABI against its own limit") {
    auto prog = enosys_prologue({{AUDIT_ARCH_X86_64, 300u, kX32 | 400u}, {AUDIT_ARCH_I386, 200u, std::nullopt}});
    CHECK(run(prog, AUDIT_ARCH_X86_64, 301) == kEnosys);
    CHECK(run(prog, AUDIT_ARCH_X86_64, 300) == kProfile);
    CHECK(run(prog, AUDIT_ARCH_X86_64, kX32 | 350) == kProfile);
    CHECK(run(prog, AUDIT_ARCH_X86_64, kX32 | 401) == kEnosys);
    CHECK(run(prog, AUDIT_ARCH_I386, 201) == kEnosys);
    CHECK(run(prog, AUDIT_ARCH_I386, 200) == kProfile);
    CHECK(run(prog, AUDIT_ARCH_AARCH64, 5000) == kProfile);
}

TEST_CASE("x32 alone: native x86-64 calls go to the profile") {
    auto prog = enosys_prologue({{AUDIT_ARCH_X86_64, std::nullopt, kX32 | 100u}});
    CHECK(run(prog, AUDIT_ARCH_X86_64, 5000) == kProfile);
    CHECK(run(prog, AUDIT_ARCH_X86_64, kX32 | 101) == kEnosys);
    CHECK(run(prog, AUDIT_ARCH_X86_64, kX32 | 100) == kProfile);
}

TEST_CASE("an architecture the profile names no syscall of gets no check") {
    auto prog = enosys_prologue({{AUDIT_ARCH_AARCH64, std::nullopt, std::nullopt}});
    CHECK(run(prog, AUDIT_ARCH_AARCH64, 5000) == kProfile);
}
