#include "runtime/seccomp_enosys.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>

#include "common/error.hpp"

namespace runtime {

namespace {

constexpr uint32_t kX32Bit = 0x40000000;

// Jump targets are symbolic while the prologue is laid out; the two exits
// are its last instruction (return ENOSYS) and the one after it (the
// profile's program).
enum Target : int { next = -1, enosys = -2, profile = -3 };

struct Insn {
    uint16_t code;
    uint32_t k;
    int jt = next;  // an instruction index, or a Target
    int jf = next;
};

class Assembler {
public:
    int here() const { return static_cast<int>(code_.size()); }
    void load_arch() { code_.push_back({BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)}); }
    void load_nr() { code_.push_back({BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)}); }
    // Returns the index, so that a target known only later can be patched.
    int jump_if(uint16_t op, uint32_t k, int jt, int jf) {
        code_.push_back({static_cast<uint16_t>(BPF_JMP | op | BPF_K), k, jt, jf});
        return here() - 1;
    }
    Insn& at(int index) { return code_[static_cast<size_t>(index)]; }

    std::vector<sock_filter> finish() {
        const int enosys_at = here();
        const int profile_at = enosys_at + 1;
        std::vector<sock_filter> out;
        out.reserve(code_.size() + 1);
        for (size_t i = 0; i < code_.size(); ++i) {
            const Insn& in = code_[i];
            auto offset = [&](int target) -> uint8_t {
                int absolute = target == next ? static_cast<int>(i) + 1
                               : target == enosys ? enosys_at
                               : target == profile ? profile_at
                                                   : target;
                int relative = absolute - static_cast<int>(i) - 1;
                // A handful of architectures keep every jump short.
                if (relative < 0 || relative > 255) {
                    throw common::Error("linux.seccomp: the -ENOSYS prologue is too long for a BPF jump");
                }
                return static_cast<uint8_t>(relative);
            };
            out.push_back(BPF_STMT(in.code, in.k));
            if (BPF_OP(in.code) == BPF_JA) {
                out.back().k = offset(in.jt);  // unconditional: the target is in k
            } else if (BPF_CLASS(in.code) == BPF_JMP) {
                out.back().jt = offset(in.jt);
                out.back().jf = offset(in.jf);
            }
        }
        out.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
        return out;
    }

private:
    std::vector<Insn> code_;
};

// The checks for one architecture, entered with the syscall number not yet
// loaded; every path leaves for `enosys` or `profile`.
void emit_section(Assembler& a, const ArchSyscallLimit& limit) {
    a.load_nr();
    const bool x86_64 = limit.audit_arch == AUDIT_ARCH_X86_64;
    if (x86_64 && limit.native_max && limit.x32_max) {
        int is_x32 = a.jump_if(BPF_JSET, kX32Bit, next, next);
        a.jump_if(BPF_JGT, *limit.native_max, enosys, profile);
        a.at(is_x32).jt = a.here();
        a.jump_if(BPF_JGT, *limit.x32_max, enosys, profile);
    } else if (x86_64 && limit.x32_max) {
        // Only x32 is limited: native calls go straight to the profile.
        a.jump_if(BPF_JSET, kX32Bit, next, profile);
        a.jump_if(BPF_JGT, *limit.x32_max, enosys, profile);
    } else {
        // The x32 ABI is not in the profile: its calls are the profile's
        // business (its bad-architecture action).
        if (x86_64) a.jump_if(BPF_JSET, kX32Bit, profile, next);
        a.jump_if(BPF_JGT, *limit.native_max, enosys, profile);
    }
}

}  // namespace

std::vector<sock_filter> enosys_prologue(const std::vector<ArchSyscallLimit>& limits) {
    Assembler a;
    a.load_arch();
    for (const ArchSyscallLimit& limit : limits) {
        if (!limit.native_max && !limit.x32_max) continue;
        int check = a.jump_if(BPF_JEQ, limit.audit_arch, next, next);
        emit_section(a, limit);
        a.at(check).jf = a.here();
    }
    // No architecture matched: the profile decides.
    a.jump_if(BPF_JA, 0, profile, profile);
    return a.finish();
}

}  // namespace runtime
