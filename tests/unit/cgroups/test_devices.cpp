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
// One devices.allow/deny write as the rule the kernel applies.
DeviceRule written_rule(const V1DeviceWrite& w) {
    DeviceState one = parse_devices_list(w.line);  // parsed as an allow rule
    DeviceRule r;
    r.allow = w.file == "devices.allow";
    if (one.default_allow) return r;  // "a *:* rwm": type 'a', all access
    REQUIRE(one.exceptions.size() == 1);
    auto& [key, access] = *one.exceptions.begin();
    r.type = key.type;
    r.major = key.major;
    r.minor = key.minor;
    r.access = access;
    return r;
}

// What the v1 kernel does with one write: a reset for "a", else add to or
// subtract from the exception of exactly that device (no wider one).
void kernel_apply(DeviceState& s, const DeviceRule& r) {
    if (r.type == 'a') {
        s = DeviceState{r.allow, {}};
        return;
    }
    const DeviceState::Key key{r.type, r.major, r.minor};
    if (r.allow != s.default_allow) {
        s.exceptions[key] |= r.access;
    } else if (auto it = s.exceptions.find(key); it != s.exceptions.end()) {
        it->second &= ~r.access;
        if (!it->second) s.exceptions.erase(it);
    }
}

// Every (type, number, access) the sample grid below asks about.
template <typename F>
void for_each_access(F f) {
    for (char type : {'c', 'b'})
        for (int64_t major : {1, 5, 136, 240})
            for (int64_t minor : {0, 1, 3, 9})
                for (unsigned access = 1; access <= 7; ++access) f(type, major, minor, access);
}

bool grants_no_more(const DeviceState& a, const DeviceState& b) {
    const auto fa = device_filter(a);
    const auto fb = device_filter(b);
    bool ok = true;
    for_each_access([&](char type, int64_t major, int64_t minor, unsigned access) {
        if (device_allowed(fa, type, major, minor, access) && !device_allowed(fb, type, major, minor, access))
            ok = false;
    });
    return ok;
}

bool same_access(const DeviceState& a, const DeviceState& b) { return grants_no_more(a, b) && grants_no_more(b, a); }

// Applies the transition from `from` to `to` one write at a time and
// checks every intermediate state grants no more than `from` or `to` does
// (unless `to` allows by default, where the reset to allow-all is the way
// there), and that the last one is `to`.
void check_transition(const DeviceState& from, const DeviceState& to) {
    DeviceState now = from;
    for (auto& w : device_transition(from, to)) {
        if (!to.default_allow) {
            INFO("write " << w.file << " " << w.line);
            CHECK_FALSE((w.file == "devices.allow" && w.line == "a *:* rwm"));
        }
        kernel_apply(now, written_rule(w));
        if (!to.default_allow) {
            INFO("after " << w.file << " " << w.line);
            CHECK((grants_no_more(now, from) || grants_no_more(now, to)));
        }
    }
    CHECK(now.default_allow == to.default_allow);
    CHECK(now.exceptions == to.exceptions);
    CHECK(same_access(now, to));
}

std::vector<oci::DeviceCgroupRule> deny_all_then(std::vector<oci::DeviceCgroupRule> allows) {
    allows.insert(allows.begin(), rule(false, "a", std::nullopt, std::nullopt, "rwm"));
    return allows;
}
}  // namespace

TEST_CASE("device rules fold into a default and exceptions, as the v1 kernel keeps them") {
    SUBCASE("nothing listed: deny-all, as runc (not the parent's allow-all)") {
        auto s = device_state({});
        CHECK_FALSE(s.default_allow);
        CHECK(s.exceptions.empty());
        auto only_allows = device_state({rule(true, "c", 1, 5, "rwm")});
        CHECK_FALSE(only_allows.default_allow);
        CHECK(only_allows.exceptions.size() == 1);
    }
    SUBCASE("an 'a' rule resets, whatever numbers or access it names") {
        auto s = device_state({rule(true, "c", 1, 3, "rwm"), rule(true, "a", std::nullopt, std::nullopt, "rwm"),
                               rule(false, "c", 1, 9, "rwm")});
        CHECK(s.default_allow);
        REQUIRE(s.exceptions.size() == 1);
        CHECK(s.exceptions.begin()->first == DeviceState::Key{'c', 1, 9});
        auto partial =
            device_state({rule(true, "a", std::nullopt, std::nullopt, ""), rule(false, "a", 5, std::nullopt, "m")});
        CHECK_FALSE(partial.default_allow);  // the kernel reads the "a" alone
        CHECK(partial.exceptions.empty());
        CHECK_FALSE(device_state({rule(false, "", std::nullopt, std::nullopt, "")}).default_allow);  // empty: a, rwm
    }
    SUBCASE("exceptions for one device merge; a rule back to the default subtracts") {
        auto s = device_state(deny_all_then({rule(true, "c", 1, 3, "r"), rule(true, "c", 1, 3, "w"),
                                             rule(true, "c", 136, std::nullopt, "rwm"),
                                             rule(false, "c", 136, std::nullopt, "m"),
                                             rule(true, "c", 5, 0, "r"), rule(false, "c", 5, 0, "rwm")}));
        CHECK(s.exceptions.size() == 2);
        CHECK(s.exceptions.at({'c', 1, 3}) == (kAccessRead | kAccessWrite));
        CHECK(s.exceptions.at({'c', 136, -1}) == (kAccessRead | kAccessWrite));
    }
    SUBCASE("carving an exception out of a wider one is refused, as runc does") {
        CHECK_THROWS_WITH_AS(device_state(deny_all_then({rule(true, "c", std::nullopt, std::nullopt, "rwm"),
                                                         rule(false, "c", 1, 9, "rwm")})),
                             doctest::Contains("denying c 1:9 rwm cannot carve an exception out of the wider "
                                               "rule c *:* rwm"),
                             common::Error);
        CHECK_THROWS_WITH_AS(device_state({rule(true, "a", std::nullopt, std::nullopt, "rwm"),
                                           rule(false, "b", 8, std::nullopt, "w"), rule(true, "b", 8, 0, "rw")}),
                             doctest::Contains("allowing b 8:0 rw"), common::Error);
        // Disjoint access is fine: the wider rule does not name it.
        CHECK_NOTHROW(device_state(deny_all_then({rule(true, "c", std::nullopt, std::nullopt, "m"),
                                                  rule(false, "c", 1, 9, "rw")})));
    }
}

TEST_CASE("a fresh cgroup gets its allow rules in the listed order (devices.list shows them so)") {
    DeviceState to = device_state({rule(false, "a", {}, {}, "rwm"), rule(true, "c", 10, 229, "rwm"),
                                   rule(true, "b", 8, 20, "rw"), rule(true, "b", 10, 200, "r"),
                                   rule(true, "c", {}, {}, "m")});
    std::vector<std::string> lines;
    for (const auto& w : device_transition(DeviceState{}, to)) lines.push_back(w.file + " " + w.line);
    CHECK(lines == std::vector<std::string>{"devices.allow c 10:229 rwm", "devices.allow b 8:20 rw",
                                            "devices.allow b 10:200 r", "devices.allow c *:* m"});
}

TEST_CASE("invalid device rules name the rule") {
    CHECK_THROWS_WITH_AS(device_state({rule(true, "x", 1, 3, "r")}),
                         doctest::Contains("linux.resources.devices[0].type"), common::Error);
    CHECK_THROWS_WITH_AS(device_state({rule(true, "c", 1, 3, "r"), rule(true, "c", 1, 3, "rq")}),
                         doctest::Contains("linux.resources.devices[1].access"), common::Error);
}

TEST_CASE("devices.list reads back as the state it reports") {
    auto allow_all = parse_devices_list("a *:* rwm\n");
    CHECK(allow_all.default_allow);
    CHECK(allow_all.exceptions.empty());
    auto listed = parse_devices_list("c 1:3 rwm\nc 136:* rw\nb *:* m\n");
    CHECK_FALSE(listed.default_allow);
    CHECK(listed.exceptions.size() == 3);
    CHECK(listed.exceptions.at({'c', 136, -1}) == (kAccessRead | kAccessWrite));
    CHECK(listed.exceptions.at({'b', -1, -1}) == kAccessMknod);
    CHECK_FALSE(parse_devices_list("").default_allow);  // deny-all lists nothing
    CHECK_THROWS_WITH_AS(parse_devices_list("c 1-3 rwm\n"), doctest::Contains("devices.list"), common::Error);
}

TEST_CASE("device transitions: the v1 writes never grant more than the old or the new rules") {
    const auto defaults = std::vector<oci::DeviceCgroupRule>{
        rule(true, "c", std::nullopt, std::nullopt, "m"), rule(true, "b", std::nullopt, std::nullopt, "m"),
        rule(true, "c", 1, 3, "rwm"), rule(true, "c", 1, 9, "rwm"), rule(true, "c", 136, std::nullopt, "rwm")};
    auto with_defaults = [&](std::vector<oci::DeviceCgroupRule> rules) {
        rules = deny_all_then(std::move(rules));
        rules.insert(rules.end(), defaults.begin(), defaults.end());
        return device_state(rules);
    };
    const DeviceState two = with_defaults({rule(true, "c", 240, 0, "rw"), rule(true, "c", 240, 1, "rw")});
    const DeviceState one = with_defaults({rule(true, "c", 240, 0, "rw")});
    const DeviceState unknown_allow_all{true, {}};

    SUBCASE("a new cgroup (allow-all, exceptions unknown): deny-all first, then the allows") {
        auto writes = device_transition(unknown_allow_all, one);
        REQUIRE(writes.size() == 7);
        CHECK(writes[0].file == "devices.deny");
        CHECK(writes[0].line == "a *:* rwm");
        for (size_t i = 1; i < writes.size(); ++i) CHECK(writes[i].file == "devices.allow");
        check_transition(unknown_allow_all, one);
    }
    SUBCASE("tightening: only the dropped device is denied, nothing reset") {
        auto writes = device_transition(two, one);
        REQUIRE(writes.size() == 1);
        CHECK(writes[0].file == "devices.deny");
        CHECK(writes[0].line == "c 240:1 rw");
        check_transition(two, one);
    }
    SUBCASE("loosening: only the new device is allowed") {
        auto writes = device_transition(one, two);
        REQUIRE(writes.size() == 1);
        CHECK(writes[0].file == "devices.allow");
        CHECK(writes[0].line == "c 240:1 rw");
        check_transition(one, two);
    }
    SUBCASE("swapping access: drops go before gains") {
        const DeviceState a = with_defaults({rule(true, "c", 240, 0, "rwm"), rule(true, "c", 240, 1, "r")});
        const DeviceState b = with_defaults({rule(true, "c", 240, 0, "r"), rule(true, "c", 240, 1, "rw"),
                                             rule(true, "b", 8, 0, "r")});
        auto writes = device_transition(a, b);
        REQUIRE(writes.size() == 3);
        CHECK(writes[0].file == "devices.deny");
        CHECK(writes[0].line == "c 240:0 wm");
        CHECK(writes[1].file == "devices.allow");
        check_transition(a, b);
        check_transition(b, a);
    }
    SUBCASE("the same rules: nothing to write") { CHECK(device_transition(one, one).empty()); }
    SUBCASE("to allow-by-default: the reset to allow-all is the way there") {
        const DeviceState open = device_state({rule(true, "a", std::nullopt, std::nullopt, "rwm"),
                                               rule(false, "c", 1, 1, "rwm")});
        auto writes = device_transition(one, open);
        REQUIRE(writes.size() == 2);
        CHECK(writes[0].file == "devices.allow");
        CHECK(writes[0].line == "a *:* rwm");
        CHECK(writes[1].file == "devices.deny");
        CHECK(writes[1].line == "c 1:1 rwm");
        check_transition(one, open);
        // ...and back: deny-all first, never allow-all on the way.
        check_transition(open, one);
        CHECK(device_transition(open, one)[0].line == "a *:* rwm");
        CHECK(device_transition(open, one)[0].file == "devices.deny");
    }
    SUBCASE("many random pairs of deny-by-default states") {
        uint32_t seed = 12345;
        auto next = [&seed] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
        auto random_state = [&] {
            std::vector<oci::DeviceCgroupRule> rules;
            const int64_t majors[] = {1, 5, 136, 240};
            for (int i = 0, n = static_cast<int>(next() % 6); i < n; ++i) {
                const char* acc[] = {"r", "w", "m", "rw", "rm", "wm", "rwm"};
                std::optional<int64_t> minor;
                if (next() % 3) minor = static_cast<int64_t>(next() % 4);
                rules.push_back(rule(true, next() % 2 ? "c" : "b", majors[next() % 4], minor, acc[next() % 7]));
            }
            return device_state(deny_all_then(rules));
        };
        for (int i = 0; i < 200; ++i) check_transition(random_state(), random_state());
    }
}

TEST_CASE("the filter for the eBPF program: the same state as rules") {
    auto f = make_device_filter({rule(true, "c", 1, 5, "rwm"), rule(false, "a", std::nullopt, std::nullopt, "rwm"),
                                 rule(true, "c", 1, 3, "rwm"), rule(true, "c", 136, std::nullopt, "rw"),
                                 rule(false, "c", 1, 3, "w")});
    CHECK_FALSE(f.default_allow);
    CHECK(f.rules.size() == 2);  // the rule before the reset is gone
    CHECK(device_allowed(f, 'c', 1, 3, kAccessRead | kAccessMknod));
    CHECK_FALSE(device_allowed(f, 'c', 1, 3, kAccessRead | kAccessWrite));  // w taken away again
    CHECK_FALSE(device_allowed(f, 'c', 1, 5, kAccessRead));  // dropped by the reset
    CHECK_FALSE(device_allowed(f, 'b', 1, 3, kAccessRead));
    CHECK(device_allowed(f, 'c', 136, 7, kAccessRead | kAccessWrite));
    CHECK_FALSE(device_allowed(f, 'c', 136, 7, kAccessMknod));  // not granted
    CHECK_FALSE(make_device_filter({}).default_allow);
}

TEST_CASE("the eBPF program decides as the filter does") {
    SUBCASE("deny all, allow some") {
        check_program_matches_filter(make_device_filter(
            {rule(false, "a", std::nullopt, std::nullopt, "rwm"), rule(true, "c", 1, 3, "rwm"),
             rule(true, "c", 136, std::nullopt, "rw"), rule(true, "b", std::nullopt, std::nullopt, "m"),
             rule(true, "c", 5, 3, "r")}));
    }
    SUBCASE("allow all, deny some") {
        check_program_matches_filter(make_device_filter(
            {rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 5, "rwm"),
             rule(false, "b", 254, std::nullopt, "w"), rule(false, "c", 5, std::nullopt, "m")}));
    }
    SUBCASE("empty: nothing allowed") { check_program_matches_filter(make_device_filter({})); }
    SUBCASE("deny all only") {
        auto f = make_device_filter({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
        CHECK(build_device_program(f).size() == 8);  // prologue + default
        check_program_matches_filter(f);
    }
}
