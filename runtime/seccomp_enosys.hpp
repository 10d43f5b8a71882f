// The -ENOSYS prologue of a seccomp filter. A profile lists the syscalls
// its author knew; a syscall newer than all of them (clone3 under a profile
// written before Linux 5.3, say) would get the profile's default action,
// typically EPERM, and libc only falls back to the older call on ENOSYS. So,
// as runc does, a syscall whose number is above the highest one the profile
// names for that architecture answers ENOSYS, as a kernel without it would.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace runtime {

// The highest syscall number a profile names, per audit architecture. On
// x86-64 the x32 ABI shares AUDIT_ARCH_X86_64 and is told apart by bit 30
// of the syscall number (its numbers here include that bit).
struct ArchSyscallLimit {
    uint32_t audit_arch = 0;
    std::optional<uint32_t> native_max;  // the architecture's own ABI
    std::optional<uint32_t> x32_max;     // AUDIT_ARCH_X86_64 only
};

// BPF that returns ERRNO(ENOSYS) for a syscall above its architecture's
// limit and otherwise falls through to the instruction after it, where the
// profile's own program starts. Other architectures fall through too.
std::vector<sock_filter> enosys_prologue(const std::vector<ArchSyscallLimit>& limits);

}  // namespace runtime
