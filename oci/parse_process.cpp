// "process": what to exec and with which identity, limits and privileges.
#include <array>
#include <set>

#include "oci/capabilities.hpp"
#include "oci/parse_internal.hpp"
#include "oci/rlimits.hpp"
#include "oci/seccomp_names.hpp"

namespace oci::detail {

namespace {

constexpr std::array kIoPriorityClasses = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"};

constexpr std::array kSchedulerPolicies = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",      "SCHED_BATCH",
                                           "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};

constexpr std::array kSchedulerFlags = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};

User parse_user(const JsonNode& node) {
    User u;
    // uid/gid default to 0 when absent, as runc does (Go zero values).
    u.uid = node.optional_int<uint32_t>("uid").value_or(0);
    u.gid = node.optional_int<uint32_t>("gid").value_or(0);
    u.umask = node.optional_int<uint32_t>("umask");
    if (auto n = node.optional("additionalGids")) {
        for (const auto& e : n->elements()) u.additionalGids.push_back(e.as_int<uint32_t>());
    }
    u.username = node.optional_string("username");
    return u;
}

std::vector<std::string> capability_set(const JsonNode& parent, std::string_view key) {
    std::vector<std::string> out;
    if (auto n = parent.optional(key)) {
        for (const auto& e : n->elements()) {
            std::string name = e.as_string();
            if (!capability_number(name)) e.fail("unknown capability \"" + name + "\"");
            out.push_back(std::move(name));
        }
    }
    return out;
}

Capabilities parse_capabilities(const JsonNode& node) {
    node.expect_object();
    Capabilities c;
    c.bounding = capability_set(node, "bounding");
    c.effective = capability_set(node, "effective");
    c.inheritable = capability_set(node, "inheritable");
    c.permitted = capability_set(node, "permitted");
    c.ambient = capability_set(node, "ambient");
    return c;
}

std::vector<Rlimit> parse_rlimits(const JsonNode& node) {
    std::vector<Rlimit> out;
    std::set<std::string> seen;
    for (const auto& e : node.elements()) {
        Rlimit r;
        const JsonNode type = e.required("type");
        r.type = type.as_string();
        if (!rlimit_number(r.type)) type.fail("unknown rlimit type \"" + r.type + "\"");
        if (!seen.insert(r.type).second) type.fail("duplicate rlimit type \"" + r.type + "\"");
        r.hard = e.required("hard").as_int<uint64_t>();
        r.soft = e.required("soft").as_int<uint64_t>();
        // setrlimit would fail with EINVAL later, after side effects.
        if (r.soft > r.hard) e.required("soft").fail("must not be greater than hard");
        out.push_back(std::move(r));
    }
    return out;
}

IoPriority parse_io_priority(const JsonNode& node) {
    IoPriority p;
    const JsonNode cls = node.required("class");
    p.ioClass = cls.as_string();
    if (!contains_name(kIoPriorityClasses, p.ioClass)) cls.fail("unknown I/O priority class \"" + p.ioClass + "\"");
    if (auto n = node.optional("priority")) {
        p.priority = n->as_int<int32_t>();
        if (p.priority < 0 || p.priority > 7) n->fail("must be between 0 and 7");
    }
    return p;
}

Scheduler parse_scheduler(const JsonNode& node) {
    Scheduler s;
    const JsonNode policy = node.required("policy");
    s.policy = policy.as_string();
    if (!contains_name(kSchedulerPolicies, s.policy)) policy.fail("unknown scheduler policy \"" + s.policy + "\"");
    if (auto n = node.optional("nice")) {
        s.nice = n->as_int<int32_t>();
        if (*s.nice < -20 || *s.nice > 19) n->fail("must be between -20 and 19");
    }
    if (auto n = node.optional("priority")) {
        s.priority = n->as_int<int32_t>();
        // sched_setattr(2): a static priority only means something for the
        // realtime policies; runc refuses it elsewhere, so do we.
        if (*s.priority != 0 && s.policy != "SCHED_FIFO" && s.policy != "SCHED_RR")
            n->fail("only allowed with SCHED_FIFO or SCHED_RR");
    }
    if (auto n = node.optional("flags")) {
        for (const auto& e : n->elements()) {
            std::string flag = e.as_string();
            if (!contains_name(kSchedulerFlags, flag)) e.fail("unknown scheduler flag \"" + flag + "\"");
            s.flags.push_back(std::move(flag));
        }
    }
    // runtime/deadline/period parametrise SCHED_DEADLINE only.
    auto deadline_param = [&](std::string_view key) -> std::optional<uint64_t> {
        auto n = node.optional(key);
        if (!n) return std::nullopt;
        const uint64_t value = n->as_int<uint64_t>();
        if (value != 0 && s.policy != "SCHED_DEADLINE") n->fail("only allowed with SCHED_DEADLINE");
        return value;
    };
    s.runtime = deadline_param("runtime");
    s.deadline = deadline_param("deadline");
    s.period = deadline_param("period");
    return s;
}

std::string cpu_list(const JsonNode& node) {
    std::string value = node.as_string();
    if (value.find_first_not_of("0123456789, -") != std::string::npos)
        node.fail("\"" + value + "\" is not a CPU list such as \"0-3,7\"");
    return value;
}

}  // namespace

Process parse_process(const JsonNode& node) {
    node.expect_object();
    Process p;
    p.terminal = node.optional_bool("terminal").value_or(false);
    if (auto n = node.optional("consoleSize")) {
        ConsoleSize size;
        size.height = n->required("height").as_int<uint32_t>();
        size.width = n->required("width").as_int<uint32_t>();
        p.consoleSize = size;
    }
    if (auto n = node.optional("user")) {
        n->expect_object();
        p.user = parse_user(*n);
    }
    const JsonNode args = node.required("args");
    p.args = args.as_string_array();
    if (p.args.empty()) args.fail("must not be empty");
    p.commandLine = node.optional_string("commandLine");
    if (auto n = node.optional("env")) p.env = env_list(*n);
    p.cwd = absolute_path(node.required("cwd"));
    if (auto n = node.optional("capabilities")) p.capabilities = parse_capabilities(*n);
    if (auto n = node.optional("rlimits")) p.rlimits = parse_rlimits(*n);
    p.noNewPrivileges = node.optional_bool("noNewPrivileges").value_or(false);
    p.apparmorProfile = node.optional_string("apparmorProfile");
    if (auto n = node.optional("oomScoreAdj")) {
        p.oomScoreAdj = n->as_int<int32_t>();
        // The kernel's range (OOM_SCORE_ADJ_MIN/MAX); found here, not at write.
        if (*p.oomScoreAdj < -1000 || *p.oomScoreAdj > 1000) n->fail("must be between -1000 and 1000");
    }
    p.selinuxLabel = node.optional_string("selinuxLabel");
    if (auto n = node.optional("ioPriority")) p.ioPriority = parse_io_priority(*n);
    if (auto n = node.optional("scheduler")) p.scheduler = parse_scheduler(*n);
    if (auto n = node.optional("execCPUAffinity")) {
        ExecCpuAffinity a;
        if (auto i = n->optional("initial")) a.initial = cpu_list(*i);
        if (auto f = n->optional("final")) a.final = cpu_list(*f);
        p.execCPUAffinity = a;
    }
    return p;
}

}  // namespace oci::detail
