#include "runtime/seccomp.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>


#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "oci/seccomp_names.hpp"
#include "runtime/logging.hpp"
#include "runtime/seccomp_enosys.hpp"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

namespace runtime {

namespace {

constexpr const char* kField = "linux.seccomp";

long seccomp_syscall(unsigned op, unsigned flags, void* arg) { return ::syscall(SYS_seccomp, op, flags, arg); }

std::string syscall_field(size_t i) { return std::string(kField) + ".syscalls[" + std::to_string(i) + "]"; }

// ---- vocabulary ---------------------------------------------------------

unsigned flag_value(const std::string& name) {
    if (name == "SECCOMP_FILTER_FLAG_TSYNC") return SECCOMP_FILTER_FLAG_TSYNC;
    if (name == "SECCOMP_FILTER_FLAG_LOG") return SECCOMP_FILTER_FLAG_LOG;
    if (name == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    if (name == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") return SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    throw common::Error(std::string(kField) + ".flags: unknown flag " + name);
}

// The kernel knows a flag when a load with it fails on the NULL program
// (EFAULT) rather than on the flag (EINVAL). Nothing is loaded either way.
bool kernel_has_flag(unsigned flag) {
    // WAIT_KILLABLE_RECV is valid only together with NEW_LISTENER.
    if (flag & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    return seccomp_syscall(SECCOMP_SET_MODE_FILTER, flag, nullptr) < 0 && errno == EFAULT;
}

bool kernel_has_action(uint32_t action) {
    uint32_t ret = action & SECCOMP_RET_ACTION_FULL;
    return seccomp_syscall(SECCOMP_GET_ACTION_AVAIL, 0, &ret) == 0;
}

// "SCMP_ARCH_X86_64" -> libseccomp's token, 0 when it does not know it.
uint32_t arch_token(const std::string& name) {
    std::string lower = name.substr(std::strlen("SCMP_ARCH_"));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return seccomp_arch_resolve_name(lower.c_str());
}

bool takes_errno(const std::string& action) { return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE"; }

// The libseccomp action for a spec action; errnoRet defaults to EPERM and
// is refused on actions that carry no errno (the spec says fail).
uint32_t action_value(const std::string& action, std::optional<uint32_t> errno_ret, const std::string& where,
                      const char* errno_field) {
    if (errno_ret && !takes_errno(action)) {
        throw common::Error(where + "." + errno_field + ": " + action + " takes no errno");
    }
    uint32_t err = errno_ret.value_or(EPERM);
    if (err > 0xffff) throw common::Error(where + "." + errno_field + ": " + std::to_string(err) + " is out of range");
    if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err);
    if (action == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err);
    if (action == "SCMP_ACT_KILL" || action == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
    if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    if (action == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
    throw common::Error(where + ": unknown seccomp action \"" + action + "\"");
}

scmp_compare operator_value(const std::string& op) {
    if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
    if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
    if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
    if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
    if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
    if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
    if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
    throw common::Error(std::string(kField) + ": unknown seccomp operator \"" + op + "\"");
}

bool uses_notify(const oci::Seccomp& s) {
    if (s.defaultAction == "SCMP_ACT_NOTIFY") return true;
    return std::any_of(s.syscalls.begin(), s.syscalls.end(),
                       [](const auto& sc) { return sc.action == "SCMP_ACT_NOTIFY"; });
}

// ---- the filter ---------------------------------------------------------

struct FilterCtx {
    scmp_filter_ctx ctx;
    explicit FilterCtx(uint32_t default_action) : ctx(seccomp_init(default_action)) {
        if (!ctx) throw common::Error(std::string(kField) + ".defaultAction: libseccomp refused it");
    }
    ~FilterCtx() { seccomp_release(ctx); }
    FilterCtx(const FilterCtx&) = delete;
    FilterCtx& operator=(const FilterCtx&) = delete;
};

void add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const std::vector<scmp_arg_cmp>& conds,
              const std::string& where, const std::string& name) {
    int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conds.size()),
                                    conds.empty() ? nullptr : conds.data());
    if (rc < 0) throw common::Error(where + ": " + name + ": libseccomp refused the rule: " + std::strerror(-rc), -rc);
}

// Whether syscalls the profile does not name get an answer other than
// ENOSYS: runc's rule for adding the -ENOSYS prologue. A permissive
// default (allow, log, or trace, whose tracer should handle new syscalls
// itself) needs none.
bool wants_enosys_prologue(const oci::Seccomp& s) {
    const std::string& d = s.defaultAction;
    if (d == "SCMP_ACT_ALLOW" || d == "SCMP_ACT_LOG" || d == "SCMP_ACT_TRACE") return false;
    return !(d == "SCMP_ACT_ERRNO" && s.defaultErrnoRet == ENOSYS);
}

// The highest syscall number the profile names on each of its
// architectures (and the native one, which a profile may leave out).
std::vector<ArchSyscallLimit> syscall_limits(const oci::Seccomp& s) {
    std::vector<uint32_t> tokens{seccomp_arch_native()};
    for (const auto& name : s.architectures) {
        uint32_t token = arch_token(name);
        if (token != 0 && std::find(tokens.begin(), tokens.end(), token) == tokens.end()) tokens.push_back(token);
    }
    std::vector<ArchSyscallLimit> limits;
    for (uint32_t token : tokens) {
        std::optional<uint32_t> max;
        for (const auto& sc : s.syscalls) {
            for (const auto& name : sc.names) {
                int nr = seccomp_syscall_resolve_name_arch(token, name.c_str());
                // Negative: not a syscall of this architecture.
                if (nr >= 0 && (!max || static_cast<uint32_t>(nr) > *max)) max = static_cast<uint32_t>(nr);
            }
        }
        // x32 shares x86-64's audit architecture (libseccomp's token for
        // every other one is its audit architecture).
        const bool x32 = token == SCMP_ARCH_X32;
        const uint32_t audit_arch = x32 ? SCMP_ARCH_X86_64 : token;
        auto same = std::find_if(limits.begin(), limits.end(), [&](const auto& l) { return l.audit_arch == audit_arch; });
        ArchSyscallLimit& limit = same != limits.end() ? *same : limits.emplace_back(ArchSyscallLimit{audit_arch});
        (x32 ? limit.x32_max : limit.native_max) = max;
    }
    return limits;
}

SeccompProgram compile(const oci::Seccomp& s) {
    SeccompProgram out;
    for (size_t i = 0; i < s.flags.size(); ++i) out.flags |= flag_value(s.flags[i]);
    if (!uses_notify(s) && (out.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
        // It changes how notified calls wait; with no listener the kernel
        // refuses the flag, and there is nothing for it to change.
        log_debug("linux.seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY: ignored");
        out.flags &= ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    }
    if (uses_notify(s)) {
        out.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // TSYNC returns a thread id on failure, which would clash with the
        // listener fd; TSYNC_ESRCH makes it an error instead.
        if (out.flags & SECCOMP_FILTER_FLAG_TSYNC) out.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    const uint32_t default_action =
        action_value(s.defaultAction, s.defaultErrnoRet, std::string(kField), "defaultErrnoRet");
    FilterCtx f(default_action);
    // We load the program ourselves; no_new_privs is process.noNewPrivileges'
    // business, never a side effect of seccomp.
    seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_NNP, 0);
    for (size_t i = 0; i < s.architectures.size(); ++i) {
        uint32_t token = arch_token(s.architectures[i]);
        std::string where = std::string(kField) + ".architectures[" + std::to_string(i) + "]";
        if (token == 0) throw common::Error(where + ": " + s.architectures[i] + " is unknown to libseccomp");
        int rc = seccomp_arch_add(f.ctx, token);
        if (rc < 0 && rc != -EEXIST) common::throw_errno(where + ": seccomp_arch_add", -rc);
    }
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        const oci::SeccompSyscall& sc = s.syscalls[i];
        const std::string where = syscall_field(i);
        const uint32_t action = action_value(sc.action, sc.errnoRet, where, "errnoRet");
        // libseccomp refuses a rule whose action is the default one; it
        // would change nothing anyway.
        if (action == default_action) continue;
        std::vector<scmp_arg_cmp> conds;
        std::array<int, 6> per_index{};
        for (const auto& a : sc.args) {
            if (a.index > 5) throw common::Error(where + ".args: index " + std::to_string(a.index) + " out of range");
            // For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the
            // datum, as libseccomp's datum_a/datum_b.
            conds.push_back(scmp_arg_cmp{a.index, operator_value(a.op), a.value, a.valueTwo});
            ++per_index[a.index];
        }
        const bool same_arg_twice = std::any_of(per_index.begin(), per_index.end(), [](int n) { return n > 1; });
        for (const auto& name : sc.names) {
            int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                // A profile names syscalls of newer kernels or other
                // architectures; like runc, skip what this libseccomp
                // cannot resolve.
                log_debug("linux.seccomp: skipping unknown syscall \"" + name + "\"");
                continue;
            }
            if (same_arg_twice) {
                // libseccomp cannot AND two comparisons of one argument:
                // each becomes a rule of its own (an OR), as in runc.
                for (const auto& c : conds) add_rule(f.ctx, action, nr, {c}, where, name);
            } else {
                add_rule(f.ctx, action, nr, conds, where, name);
            }
        }
    }

    // Export the BPF (libseccomp 2.5 writes it to an fd) and read it back.
    common::UniqueFd mem(::memfd_create("crun-lite-seccomp", MFD_CLOEXEC));
    if (!mem) common::throw_errno(std::string(kField) + ": memfd_create");
    int rc = seccomp_export_bpf(f.ctx, mem.get());
    if (rc < 0) common::throw_errno(std::string(kField) + ": seccomp_export_bpf", -rc);
    off_t size = ::lseek(mem.get(), 0, SEEK_END);
    if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0) {
        throw common::Error(std::string(kField) + ": libseccomp exported a malformed program");
    }
    if (wants_enosys_prologue(s)) out.code = enosys_prologue(syscall_limits(s));
    const size_t prologue = out.code.size();
    out.code.resize(prologue + static_cast<size_t>(size) / sizeof(sock_filter));
    if (::pread(mem.get(), out.code.data() + prologue, static_cast<size_t>(size), 0) != size) {
        common::throw_errno(std::string(kField) + ": read the exported program");
    }
    if (out.code.size() > BPF_MAXINSNS) {
        throw common::Error(std::string(kField) + ": the filter has " + std::to_string(out.code.size()) +
                            " instructions, more than the kernel's " + std::to_string(BPF_MAXINSNS));
    }
    return out;
}

// The program compiled by check_seccomp_supported in this process (the
// runtime), reused by the cloned container child, which has a copy of it.
struct Compiled {
    const oci::Seccomp* source = nullptr;
    SeccompProgram program;
};
std::optional<Compiled>& compiled_cache() {
    static std::optional<Compiled> cache;
    return cache;
}

}  // namespace

void check_seccomp_supported(const oci::Seccomp& s) {
    if (!s.listenerMetadata.empty() && s.listenerPath.empty()) {
        throw common::Error(std::string(kField) + ".listenerMetadata: requires listenerPath");
    }
    auto check_action = [](const std::string& action, const std::string& where) {
        uint32_t value = action_value(action, std::nullopt, where, "");
        if (!kernel_has_action(value)) throw common::Error(where + ": " + action + " is not supported by this kernel");
    };
    check_action(s.defaultAction, std::string(kField) + ".defaultAction");
    for (size_t i = 0; i < s.syscalls.size(); ++i) check_action(s.syscalls[i].action, syscall_field(i) + ".action");
    for (size_t i = 0; i < s.flags.size(); ++i) {
        if (!kernel_has_flag(flag_value(s.flags[i]))) {
            throw common::Error(std::string(kField) + ".flags[" + std::to_string(i) + "]: " + s.flags[i] +
                                " is not supported by this kernel");
        }
    }
    // After loading a notify filter the process's one syscall is the write
    // that tells the runtime the listener's fd number; a notified write
    // would wait for an agent that has no listener yet (runc's rule too).
    if (s.defaultAction == "SCMP_ACT_NOTIFY") {
        throw common::Error(std::string(kField) + ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action "
                            "(the runtime's own write of the listener would wait on the agent)");
    }
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        const auto& names = s.syscalls[i].names;
        if (s.syscalls[i].action == "SCMP_ACT_NOTIFY" && std::find(names.begin(), names.end(), "write") != names.end()) {
            throw common::Error(syscall_field(i) + ": SCMP_ACT_NOTIFY cannot be used for write "
                                "(the runtime writes the listener's fd number after loading the filter)");
        }
    }
    if (uses_notify(s) && seccomp_api_get() < 5) {
        throw common::Error(std::string(kField) + ": SCMP_ACT_NOTIFY needs libseccomp API level 5");
    }
    compiled_cache() = Compiled{&s, compile(s)};
}

bool SeccompProgram::notify() const { return (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0; }

SeccompProgram compile_seccomp(const oci::Seccomp& s) {
    auto& cache = compiled_cache();
    SeccompProgram program = cache && cache->source == &s ? std::move(cache->program) : compile(s);
    cache.reset();
    return program;
}

bool seccomp_needs_kept_sys_admin(const oci::Process& process) {
    if (process.noNewPrivileges) return false;
    if (!process.capabilities) return true;
    const auto& eff = process.capabilities->effective;
    return std::find(eff.begin(), eff.end(), "CAP_SYS_ADMIN") == eff.end();
}

int load_seccomp(const SeccompProgram& program) noexcept {
    sock_fprog prog{static_cast<unsigned short>(program.code.size()), const_cast<sock_filter*>(program.code.data())};
    long rc = seccomp_syscall(SECCOMP_SET_MODE_FILTER, program.flags, &prog);
    return rc < 0 ? -errno : static_cast<int>(rc);
}

common::Error seccomp_load_error(int err) {
    std::string hint = err == EACCES ? " (needs no_new_privs or CAP_SYS_ADMIN)" : "";
    return common::Error(std::string(kField) + ": load the filter" + hint + ": " + std::strerror(err), err);
}

void fill_seccomp_features(oci::Features::Seccomp& f) {
    uint32_t allow = SECCOMP_RET_ALLOW;
    f.enabled = seccomp_syscall(SECCOMP_GET_ACTION_AVAIL, 0, &allow) == 0;
    f.actions.clear();
    f.archs.clear();
    f.supportedFlags.clear();
    f.operators.assign(oci::seccomp_operators().begin(), oci::seccomp_operators().end());
    f.knownFlags.assign(oci::seccomp_flags().begin(), oci::seccomp_flags().end());
    if (!f.enabled) return;
    for (const char* action : oci::seccomp_actions()) {
        if (std::string_view(action) == "SCMP_ACT_NOTIFY" && seccomp_api_get() < 5) continue;
        if (kernel_has_action(action_value(action, std::nullopt, kField, ""))) f.actions.emplace_back(action);
    }
    for (const char* arch : oci::seccomp_architectures()) {
        if (arch_token(arch) != 0) f.archs.emplace_back(arch);
    }
    for (const char* flag : oci::seccomp_flags()) {
        if (kernel_has_flag(flag_value(flag))) f.supportedFlags.emplace_back(flag);
    }
}

}  // namespace runtime
