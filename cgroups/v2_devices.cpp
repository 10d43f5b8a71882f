#include "cgroups/v2_devices.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace cgroups {

namespace {

// Registers of the program: r1 = ctx (struct bpf_cgroup_dev_ctx), then the
// fields split out once at the start.
constexpr uint8_t kCtx = BPF_REG_1, kType = BPF_REG_2, kAccess = BPF_REG_3, kMajor = BPF_REG_4,
                  kMinor = BPF_REG_5, kTmp = BPF_REG_6;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i;
    std::memset(&i, 0, sizeof i);
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
bpf_insn load_ctx_word(uint8_t dst, int16_t offset) { return insn(BPF_LDX | BPF_MEM | BPF_W, dst, kCtx, offset, 0); }
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov64_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov64_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn jump_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_JMP | op | BPF_K, dst, 0, 0, imm); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

long bpf(int cmd, union bpf_attr* attr) {
    return ::syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

std::vector<uint32_t> attached_program_ids(int cgroup_fd) {
    std::vector<uint32_t> ids(64);
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids.data());
    attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
    if (bpf(BPF_PROG_QUERY, &attr) < 0) return {};  // nothing we can replace
    ids.resize(attr.query.prog_cnt);
    return ids;
}

common::UniqueFd program_fd_by_id(uint32_t id) {
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.prog_id = id;
    return common::UniqueFd(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, &attr)));
}

common::UniqueFd load_program(const std::vector<bpf_insn>& program, const std::string& cgroup_path) {
    static const char license[] = "Apache-2.0";  // uses no GPL-only helper
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = reinterpret_cast<uintptr_t>(program.data());
    attr.insn_cnt = static_cast<uint32_t>(program.size());
    attr.license = reinterpret_cast<uintptr_t>(license);
    std::strncpy(attr.prog_name, "crunlite_dev", sizeof attr.prog_name - 1);
    int fd = static_cast<int>(bpf(BPF_PROG_LOAD, &attr));
    if (fd >= 0) return common::UniqueFd(fd);
    int err = errno;
    // Load again with a log buffer: the verifier's words explain a reject.
    std::string log(16384, '\0');
    attr.log_buf = reinterpret_cast<uintptr_t>(log.data());
    attr.log_size = static_cast<uint32_t>(log.size());
    attr.log_level = 1;
    fd = static_cast<int>(bpf(BPF_PROG_LOAD, &attr));
    if (fd >= 0) return common::UniqueFd(fd);
    log.resize(std::strlen(log.c_str()));
    common::throw_errno("linux.resources.devices: load the device filter for " + cgroup_path +
                            (log.empty() ? std::string() : " (verifier: " + log + ")"),
                        err);
}

}  // namespace

std::vector<bpf_insn> build_device_program(const DeviceFilter& filter) {
    std::vector<bpf_insn> p;
    // access_type packs (access << 16) | type; major and minor follow.
    p.push_back(load_ctx_word(kType, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
    p.push_back(alu32_imm(BPF_AND, kType, 0xffff));
    p.push_back(load_ctx_word(kAccess, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
    p.push_back(alu32_imm(BPF_RSH, kAccess, 16));
    p.push_back(load_ctx_word(kMajor, offsetof(struct bpf_cgroup_dev_ctx, major)));
    p.push_back(load_ctx_word(kMinor, offsetof(struct bpf_cgroup_dev_ctx, minor)));

    for (auto it = filter.rules.rbegin(); it != filter.rules.rend(); ++it) {
        const DeviceRule& r = *it;
        // Each test jumps to the next rule's block when it fails; the
        // offsets are filled in once the block's length is known.
        std::vector<size_t> to_next;
        auto jump_if_not = [&](bpf_insn j) {
            to_next.push_back(p.size());
            p.push_back(j);
        };
        if (r.type != 'a')
            jump_if_not(jump_imm(BPF_JNE, kType, r.type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK));
        if (r.access != kAccessAll) {  // a full-access rule matches any request
            p.push_back(mov64_reg(kTmp, kAccess));
            if (r.allow) {
                // Allow only when every requested bit is granted.
                p.push_back(alu32_imm(BPF_AND, kTmp, static_cast<int32_t>(~r.access & kAccessAll)));
                jump_if_not(jump_imm(BPF_JNE, kTmp, 0));
            } else {
                // Deny when any requested bit is one the rule names.
                p.push_back(alu32_imm(BPF_AND, kTmp, static_cast<int32_t>(r.access)));
                jump_if_not(jump_imm(BPF_JEQ, kTmp, 0));
            }
        }
        if (r.major >= 0) jump_if_not(jump_imm(BPF_JNE, kMajor, static_cast<int32_t>(r.major)));
        if (r.minor >= 0) jump_if_not(jump_imm(BPF_JNE, kMinor, static_cast<int32_t>(r.minor)));
        p.push_back(mov64_imm(BPF_REG_0, r.allow ? 1 : 0));
        p.push_back(exit_insn());
        for (size_t j : to_next) p[j].off = static_cast<int16_t>(p.size() - j - 1);
    }
    p.push_back(mov64_imm(BPF_REG_0, filter.default_allow ? 1 : 0));
    p.push_back(exit_insn());
    return p;
}

void attach_device_filter(int cgroup_fd, const std::string& cgroup_path, const DeviceFilter& filter) {
    auto program = load_program(build_device_program(filter), cgroup_path);
    auto old_ids = attached_program_ids(cgroup_fd);

    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(program.get());
    attr.attach_type = BPF_CGROUP_DEVICE;
    // ALLOW_MULTI keeps programs of ancestors (and of a manager above us)
    // in force; REPLACE swaps a single old filter of ours atomically, so an
    // update never leaves a window without one.
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    common::UniqueFd replaced;
    if (old_ids.size() == 1) {
        replaced = program_fd_by_id(old_ids[0]);
        if (replaced) {
            attr.attach_flags |= BPF_F_REPLACE;
            attr.replace_bpf_fd = static_cast<uint32_t>(replaced.get());
        }
    }
    if (bpf(BPF_PROG_ATTACH, &attr) < 0)
        common::throw_errno("linux.resources.devices: attach the device filter to " + cgroup_path);
    if (attr.attach_flags & BPF_F_REPLACE) return;

    // Several old programs (or REPLACE unavailable): the new one is in
    // force, now take the old ones off.
    for (uint32_t id : old_ids) {
        auto old = program_fd_by_id(id);
        if (!old) continue;  // gone meanwhile
        union bpf_attr detach;
        std::memset(&detach, 0, sizeof detach);
        detach.target_fd = static_cast<uint32_t>(cgroup_fd);
        detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, &detach) < 0 && errno != ENOENT)
            common::throw_errno("linux.resources.devices: detach the old device filter from " + cgroup_path);
    }
}

}  // namespace cgroups
