#include <doctest/doctest.h>

#include <stdexcept>

#include "cgroups/device_rules.hpp"
#include "cgroups/v2_devices.hpp"
#include "common/error.hpp"

using namespace cgroups;

namespace {
oci::DeviceCgroupRule rule(bool allow, std::string type, std::optional<int64_t> major, std::optional<int64_t> minor,
                           std::string access) {
    oci::DeviceCgroupRule r;
    r.allow = allow;
    r.type = std::move(type);
    r.major = major;
    r.minor = minor;
    r.access = std::move(access);
    return r;
}

// Runs the subset of eBPF build_device_program emits, on one device
// access, so the program's verdicts can be compared with the reference
// semantics (device_allowed) without a kernel.
int run_program(const std::vector<bpf_insn>& prog, uint32_t type, uint32_t access, uint32_t major, uint32_t minor) {
    uint64_t reg[11] = {};
    const uint32_t ctx[3] = {(access << 16) | type, major, minor};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const bpf_insn& i = prog[pc];
        switch (i.code) {
            case BPF_LDX | BPF_MEM | BPF_W:
                REQUIRE(i.src_reg == BPF_REG_1);
                reg[i.dst_reg] = ctx[i.off / 4];
                break;
            case BPF_ALU | BPF_AND | BPF_K: reg[i.dst_reg] = static_cast<uint32_t>(reg[i.dst_reg] & static_cast<uint32_t>(i.imm)); break;
            case BPF_ALU | BPF_RSH | BPF_K: reg[i.dst_reg] = static_cast<uint32_t>(reg[i.dst_reg]) >> i.imm; break;
            case BPF_ALU64 | BPF_MOV | BPF_X: reg[i.dst_reg] = reg[i.src_reg]; break;
            case BPF_ALU64 | BPF_MOV | BPF_K: reg[i.dst_reg] = static_cast<uint64_t>(static_cast<int64_t>(i.imm)); break;
            case BPF_JMP | BPF_JNE | BPF_K:
                if (reg[i.dst_reg] != static_cast<uint64_t>(static_cast<int64_t>(i.imm))) pc += i.off;
                break;
            case BPF_JMP | BPF_JEQ | BPF_K:
                if (reg[i.dst_reg] == static_cast<uint64_t>(static_cast<int64_t>(i.imm))) pc += i.off;
                break;
            case BPF_JMP | BPF_EXIT: return static_cast<int>(reg[0]);
            default: throw std::runtime_error("unexpected instruction");
        }
        REQUIRE(pc < prog.size());
    }
    throw std::runtime_error("fell off the program");
}

void check_program_matches_filter(const DeviceFilter& f) {
    auto prog = build_device_program(f);
    for (char type : {'c', 'b'})
        for (int64_t major : {1, 5, 136, 254})
            for (int64_t minor : {0, 3, 5, 9})
                for (unsigned access = 1; access <= 7; ++access) {
                    const bool want = device_allowed(f, type, major, minor, access);
                    const int got = run_program(prog, type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK,
                                                access, static_cast<uint32_t>(major), static_cast<uint32_t>(minor));
                    INFO("type " << type << " " << major << ":" << minor << " access " << access);
                    CHECK(got == (want ? 1 : 0));
                }
}
}  // namespace

TEST_CASE("v1 device rules become devices.allow/deny lines in order") {
    auto writes = v1_device_writes({rule(false, "a", std::nullopt, std::nullopt, "rwm"),
                                    rule(true, "c", 1, 3, "rwm"), rule(true, "c", 136, std::nullopt, "rw"),
                                    rule(false, "", std::nullopt, std::nullopt, "")});
    REQUIRE(writes.size() == 4);
    CHECK(writes[0].file == "devices.deny");
    CHECK(writes[0].line == "a *:* rwm");
    CHECK(writes[1].file == "devices.allow");
    CHECK(writes[1].line == "c 1:3 rwm");
    CHECK(writes[2].line == "c 136:* rw");
    CHECK(writes[3].line == "a *:* rwm");  // empty type/access: all
}

TEST_CASE("invalid device rules name the rule") {
    CHECK_THROWS_WITH_AS(v1_device_writes({rule(true, "x", 1, 3, "r")}),
                         doctest::Contains("linux.resources.devices[0].type"), common::Error);
    CHECK_THROWS_WITH_AS(v1_device_writes({rule(true, "c", 1, 3, "rq")}),
                         doctest::Contains("linux.resources.devices[0].access"), common::Error);
}

TEST_CASE("the filter: a full 'a' rule resets, the last match wins") {
    auto f = make_device_filter({rule(true, "c", 1, 5, "rwm"), rule(false, "a", std::nullopt, std::nullopt, "rwm"),
                                 rule(true, "c", 1, 3, "rwm"), rule(true, "c", 136, std::nullopt, "rw"),
                                 rule(false, "c", 136, 2, "w")});
    CHECK_FALSE(f.default_allow);
    CHECK(f.rules.size() == 3);  // the rule before the reset is gone
    CHECK(device_allowed(f, 'c', 1, 3, kAccessRead | kAccessWrite));
    CHECK_FALSE(device_allowed(f, 'c', 1, 5, kAccessRead));  // dropped by the reset
    CHECK_FALSE(device_allowed(f, 'b', 1, 3, kAccessRead));
    CHECK(device_allowed(f, 'c', 136, 7, kAccessRead | kAccessWrite));
    CHECK_FALSE(device_allowed(f, 'c', 136, 7, kAccessMknod));  // not granted
    CHECK(device_allowed(f, 'c', 136, 2, kAccessRead));
    CHECK_FALSE(device_allowed(f, 'c', 136, 2, kAccessRead | kAccessWrite));  // later deny w
    CHECK(make_device_filter({}).default_allow);
}

TEST_CASE("the eBPF program decides as the filter does") {
    SUBCASE("deny all, allow some") {
        check_program_matches_filter(make_device_filter(
            {rule(false, "a", std::nullopt, std::nullopt, "rwm"), rule(true, "c", 1, 3, "rwm"),
             rule(true, "c", 136, std::nullopt, "rw"), rule(true, "b", std::nullopt, std::nullopt, "m"),
             rule(false, "c", 136, 3, "w")}));
    }
    SUBCASE("allow all, deny some") {
        check_program_matches_filter(make_device_filter(
            {rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 5, "rwm"),
             rule(false, "b", 254, std::nullopt, "w"), rule(false, "a", 5, std::nullopt, "m")}));
    }
    SUBCASE("empty: everything allowed") { check_program_matches_filter(make_device_filter({})); }
    SUBCASE("deny all only") {
        auto f = make_device_filter({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
        CHECK(build_device_program(f).size() == 8);  // prologue + default
        check_program_matches_filter(f);
    }
}
