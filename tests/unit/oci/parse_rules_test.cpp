// One test per rule of oci::parse_spec that the corpus does not already
// pin down, plus the accepting side of each rule (a rule that refuses
// valid configs is as wrong as one that lets bad ones through).
#include "test_support.hpp"

using nlohmann::json;
using oci_test::base_config;
using oci_test::parse_error;

namespace {

json with_ns(json config, const std::string& type) {
    config["linux"]["namespaces"].push_back({{"type", type}});
    return config;
}

json without_ns(json config, const std::string& type) {
    auto& list = config["linux"]["namespaces"];
    for (auto it = list.begin(); it != list.end();) it = (*it)["type"] == type ? list.erase(it) : it + 1;
    return config;
}

}  // namespace

TEST_CASE("ociVersion: any 1.x.y is read, others are refused") {
    for (const char* v : {"1.0.0", "1.0.2-dev", "1.3.0", "1.10.22", "1.2.0-rc.1+build.5"}) {
        auto c = base_config();
        c["ociVersion"] = v;
        CHECK_MESSAGE(parse_error(c) == "", v);
    }
    for (const char* v : {"0.5.0", "2.0.0", "1.0", "1", "", "1.0.0-", "v1.0.0", "1.a.0"}) {
        auto c = base_config();
        c["ociVersion"] = v;
        CHECK_REFUSED(c, "ociVersion: unsupported version");
    }
}

TEST_CASE("malformed JSON names config.json, a line and a column") {
    const std::string message = parse_error("{\n  \"ociVersion\": \"1.0.0\",\n}");
    CHECK(message.rfind("config.json: invalid JSON: line 3, column 1:", 0) == 0);
    CHECK_REFUSED(std::string(""), "config.json: invalid JSON");
    CHECK_REFUSED(std::string("\"a string\""), "config.json: must be an object");
}

TEST_CASE("a number too large for a double is refused, not thrown past the parser") {
    // The fuzzer found this one: nlohmann reports it as out_of_range, not parse_error.
    CHECK_REFUSED(std::string("{\"ociVersion\": 1.5e999999999}"), "config.json: invalid JSON");
    CHECK_THROWS_WITH_AS(oci::parse_resources_spec(R"({"pids": {"limit": 1e99999}})"),
                         doctest::Contains("resources: invalid JSON"), oci::ConfigError);
}

TEST_CASE("unknown members are ignored and null counts as absent") {
    auto c = base_config();
    c["x-vendor"] = {{"anything", 1}};
    c["process"]["futureMember"] = true;
    c["process"]["capabilities"] = nullptr;
    c["linux"]["resources"] = {{"memory", nullptr}, {"oomScoreAdj", 100}};
    c["windows"] = {{"layerFolders", {"C:\\"}}};
    const std::string text = c.dump();
    REQUIRE(parse_error(text) == "");
    const oci::Spec spec = oci::parse_spec(text);
    CHECK(!spec.process->capabilities);
    CHECK(!spec.linux->resources->memory);
}

TEST_CASE("integer ranges are exact") {
    auto c = base_config();
    c["process"]["user"]["uid"] = 4294967295u;
    c["linux"]["resources"]["memory"] = {{"limit", INT64_MAX}, {"swap", -1}};
    c["linux"]["resources"]["cpu"] = {{"shares", UINT64_MAX}, {"quota", -1}};
    c["linux"]["resources"]["blockIO"] = {{"weight", 65535}};
    const oci::Spec spec = oci::parse_spec(c.dump());
    CHECK(spec.process->user.uid == 4294967295u);
    CHECK(spec.linux->resources->memory->limit == INT64_MAX);
    CHECK(spec.linux->resources->cpu->shares == UINT64_MAX);
    CHECK(spec.linux->resources->blockIO->weight == 65535);

    // One past the largest uint64 is not an integer to nlohmann.
    CHECK_REFUSED(std::string(c.dump()).replace(c.dump().find("18446744073709551615"), 20, "18446744073709551616"),
                  "linux.resources.cpu.shares: must be an unsigned 64-bit integer");
    c["linux"]["resources"]["memory"]["limit"] = UINT64_MAX;
    CHECK_REFUSED(c, "linux.resources.memory.limit: must be a 64-bit integer");
    c = base_config();
    c["process"]["user"]["uid"] = 1.0;
    CHECK_REFUSED(c, "process.user.uid: must be an unsigned 32-bit integer");
    c = base_config();
    c["hooks"]["poststop"] = {{{"path", "/bin/true"}, {"timeout", 2147483648LL}}};
    CHECK_REFUSED(c, "hooks.poststop[0].timeout: must be a 32-bit integer");
}

TEST_CASE("process rules") {
    auto c = base_config();
    c.erase("process");
    CHECK(parse_error(c) == "");  // a config without process is valid for the spec

    c = base_config();
    c["process"]["capabilities"] = {{"bounding", json::array()}};
    for (const char* name : {"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE", "CAP_BPF"})
        c["process"]["capabilities"]["bounding"].push_back(name);
    CHECK(parse_error(c) == "");

    c = base_config();
    c["process"]["rlimits"] = json::array();
    for (const char* type : {"RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_RTTIME"})
        c["process"]["rlimits"].push_back({{"type", type}, {"hard", 5}, {"soft", 5}});
    CHECK(parse_error(c) == "");

    c = base_config();
    c["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"}, {"priority", 8}};
    CHECK_REFUSED(c, "process.ioPriority.priority: must be between 0 and 7");
    c["process"]["ioPriority"] = {{"priority", 1}};
    CHECK_REFUSED(c, "process.ioPriority.class: required");

    c = base_config();
    c["process"]["scheduler"] = {{"policy", "SCHED_OTHER"}, {"nice", 20}};
    CHECK_REFUSED(c, "process.scheduler.nice: must be between -20 and 19");
    c["process"]["scheduler"] = {{"policy", "SCHED_OTHER"}, {"priority", 5}};
    CHECK_REFUSED(c, "process.scheduler.priority: only allowed with SCHED_FIFO or SCHED_RR");
    c["process"]["scheduler"] = {{"policy", "SCHED_RR"}, {"runtime", 5}};
    CHECK_REFUSED(c, "process.scheduler.runtime: only allowed with SCHED_DEADLINE");
    c["process"]["scheduler"] = {{"policy", "SCHED_BATCH"}, {"flags", {"SCHED_FLAG_TURBO"}}};
    CHECK_REFUSED(c, "process.scheduler.flags[0]: unknown scheduler flag");
    c["process"]["scheduler"] = {{"policy", "SCHED_DEADLINE"},
                                 {"runtime", 1000},
                                 {"deadline", 2000},
                                 {"period", 3000},
                                 {"flags", {"SCHED_FLAG_RESET_ON_FORK"}}};
    REQUIRE(parse_error(c) == "");
    CHECK(oci::parse_spec(c.dump()).process->scheduler->deadline == 2000u);

    c = base_config();
    c["process"]["execCPUAffinity"] = {{"initial", "0-3,7"}, {"final", "a"}};
    CHECK_REFUSED(c, "process.execCPUAffinity.final: \"a\" is not a CPU list");

    c = base_config();
    c["process"]["consoleSize"] = {{"height", 24}};
    CHECK_REFUSED(c, "process.consoleSize.width: required");

    c = base_config();
    c["process"]["env"] = {"A=", "B==c"};  // empty and '='-containing values are fine
    CHECK(parse_error(c) == "");
}

TEST_CASE("namespace-dependent rules") {
    SUBCASE("hostname and domainname need uts, new or joined") {
        auto c = without_ns(base_config(), "uts");
        c.erase("hostname");
        c["domainname"] = "example.org";
        CHECK_REFUSED(c, "domainname: requires a uts namespace");
        c["linux"]["namespaces"].push_back({{"type", "uts"}, {"path", "/proc/1/ns/uts"}});
        CHECK(parse_error(c) == "");
    }
    SUBCASE("user namespace and mappings") {
        auto c = with_ns(base_config(), "user");
        c["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
        CHECK_REFUSED(c, "linux.gidMappings: required for a new user namespace");
        c["linux"]["gidMappings"] = c["linux"]["uidMappings"];
        CHECK(parse_error(c) == "");
        c["linux"]["gidMappings"][0]["size"] = 0;
        CHECK_REFUSED(c, "linux.gidMappings[0].size: must be greater than zero");

        // Joining an existing user namespace: its mappings are already set.
        c = base_config();
        c["linux"]["namespaces"].push_back({{"type", "user"}, {"path", "/proc/1/ns/user"}});
        CHECK(parse_error(c) == "");
    }
    SUBCASE("time offsets") {
        auto c = with_ns(base_config(), "time");
        c["linux"]["timeOffsets"] = {{"monotonic", {{"secs", -5}, {"nanosecs", 999999999}}}, {"boottime", {{"secs", 1}}}};
        CHECK(parse_error(c) == "");
        c["linux"]["timeOffsets"]["monotonic"]["nanosecs"] = 1000000000;
        CHECK_REFUSED(c, "linux.timeOffsets.monotonic.nanosecs: must be less than 1000000000");
    }
    SUBCASE("masked and readonly paths need a mount namespace") {
        auto c = without_ns(base_config(), "mount");
        c["linux"]["readonlyPaths"] = {"/proc/sys"};
        CHECK_REFUSED(c, "linux.readonlyPaths: requires a mount namespace");
    }
    SUBCASE("netDevices") {
        auto c = base_config();
        c["linux"]["netDevices"] = {{"eth0", {{"name", "ctr0"}}}, {"ens4", json::object()}};
        CHECK(parse_error(c) == "");
        c["linux"]["netDevices"]["eth1"] = {{"name", "a/b"}};
        CHECK_REFUSED(c, "linux.netDevices.eth1.name: \"a/b\" is not a valid network interface name");
    }
    SUBCASE("idmap mounts without mappings need a user namespace") {
        auto c = base_config();
        c["mounts"].push_back({{"destination", "/data"}, {"source", "/srv"}, {"options", {"bind", "idmap"}}});
        CHECK_REFUSED(c, "mounts[1].options: idmap without uidMappings/gidMappings requires a user namespace");
    }
}

TEST_CASE("sysctl rules follow runc") {
    auto check = [](json c, const json& sysctl, const std::string& expected) {
        c["linux"]["sysctl"] = sysctl;
        if (expected.empty())
            CHECK_MESSAGE(parse_error(c) == "", sysctl.dump());
        else
            CHECK_REFUSED(c, expected);
    };
    const auto base = base_config();
    check(base, {{"net.ipv4.ip_forward", "1"}, {"net/ipv4/conf/eth0.100/rp_filter", "1"}}, "");
    check(base, {{"kernel.shmmax", "1"}, {"kernel.msgmnb", "1"}, {"fs.mqueue.msg_max", "1"}}, "");
    check(base, {{"kernel.domainname", "example.org"}}, "");
    check(base, {{"kernel.hostname", "x"}}, "linux.sysctl[\"kernel.hostname\"]: not allowed: it conflicts");
    check(without_ns(base, "ipc"), {{"kernel.sem", "1"}}, "linux.sysctl[\"kernel.sem\"]: not allowed in the host's ipc");
    check(without_ns(base, "ipc"), {{"fs/mqueue/msg_max", "1"}}, "linux.sysctl[\"fs/mqueue/msg_max\"]");
    check(base, {{"vm.overcommit_memory", "1"}}, "linux.sysctl[\"vm.overcommit_memory\"]: not allowed");
    check(base, {{"kernel/panic", "1"}}, "not allowed: it is not in a namespace");
    // A joined network namespace is not the host's as far as the parser can tell.
    auto joined = without_ns(base, "network");
    joined["linux"]["namespaces"].push_back({{"type", "network"}, {"path", "/var/run/netns/a"}});
    check(joined, {{"net.core.somaxconn", "256"}}, "");
}

TEST_CASE("devices, propagation, personality") {
    auto c = base_config();
    c["linux"]["devices"] = {{{"path", "/dev/fifo"}, {"type", "p"}},
                             {{"path", "/dev/null2"}, {"type", "u"}, {"major", 1}, {"minor", 3}, {"fileMode", 8630}}};
    CHECK(parse_error(c) == "");
    for (const char* p : {"shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable", ""}) {
        auto d = base_config();
        d["linux"]["rootfsPropagation"] = p;
        CHECK_MESSAGE(parse_error(d) == "", p);
    }
    c = base_config();
    c["linux"]["personality"] = {{"domain", "LINUX32"}, {"flags", {"ADDR_NO_RANDOMIZE"}}};
    CHECK(parse_error(c) == "");
    c["linux"]["personality"].erase("domain");
    CHECK_REFUSED(c, "linux.personality.domain: required");
    c = base_config();
    c["linux"]["intelRdt"] = {{"closID", "guaranteed_group"}};
    c["linux"]["memoryPolicy"] = {{"mode", "MPOL_BIND"}};
    const oci::Spec spec = oci::parse_spec(c.dump());
    CHECK(spec.linux->hasIntelRdt);
    CHECK(spec.linux->hasMemoryPolicy);
    CHECK(!oci::parse_spec(base_config().dump()).linux->hasIntelRdt);
}

TEST_CASE("resources") {
    auto c = base_config();
    auto& r = c["linux"]["resources"];
    r["devices"] = {{{"allow", false}, {"access", "rwm"}},
                    {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rw"}}};
    r["memory"] = {{"limit", 1 << 20}, {"swap", 1 << 20}, {"swappiness", 60}};
    r["cpu"] = {{"idle", 1}, {"realtimeRuntime", -1}};
    r["pids"] = {{"limit", -1}};
    r["unified"] = {{"memory.high", "max"}, {"io.weight", "default 100"}};
    r["rdma"] = {{"mlx4_0", {{"hcaObjects", 1000}}}};
    REQUIRE(parse_error(c) == "");
    const oci::Spec spec = oci::parse_spec(c.dump());
    CHECK(spec.linux->resources->cpu->idle == true);
    CHECK(spec.linux->resources->devices[1].access == "rw");
    CHECK(spec.linux->resources->pids->limit == -1);
    CHECK(spec.linux->resources->unified.at("io.weight") == "default 100");
    CHECK(spec.linux->resources->rdma.at("mlx4_0").hcaObjects == 1000u);

    r["cpu"]["idle"] = 2;
    CHECK_REFUSED(c, "linux.resources.cpu.idle: must be 0 or 1");
    r["cpu"]["idle"] = true;
    CHECK(parse_error(c) == "");
    r["memory"]["swappiness"] = 101;
    CHECK_REFUSED(c, "linux.resources.memory.swappiness: must be between 0 and 100");
    r["memory"]["swappiness"] = 0;
    r["unified"] = {{"cgroup.procs/..", "1"}};
    CHECK_REFUSED(c, "not a cgroup file name");
    r["unified"] = {{"..", "1"}};
    CHECK_REFUSED(c, "not a cgroup file name");
    r.erase("unified");
    r["blockIO"] = {{"throttleReadBpsDevice", {{{"major", 8}, {"rate", 1}}}}};
    CHECK_REFUSED(c, "linux.resources.blockIO.throttleReadBpsDevice[0].minor: required");
    r.erase("blockIO");
    r["network"] = {{"priorities", {{{"name", "eth0"}}}}};
    CHECK_REFUSED(c, "linux.resources.network.priorities[0].priority: required");
    r.erase("network");
    r["hugepageLimits"] = {{{"pageSize", "1GB"}, {"limit", 0}}, {{"pageSize", "02MB"}, {"limit", 0}}};
    CHECK_REFUSED(c, "linux.resources.hugepageLimits[1].pageSize");
}

TEST_CASE("seccomp") {
    auto c = base_config();
    c["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ERRNO"},
        {"defaultErrnoRet", 1},
        {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"}},
        {"flags", {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}},
        {"listenerPath", "/run/agent.sock"},
        {"listenerMetadata", "meta"},
        {"syscalls",
         {{{"names", {"read", "write"}}, {"action", "SCMP_ACT_ALLOW"}},
          {{"names", {"mount"}}, {"action", "SCMP_ACT_NOTIFY"}},
          {{"names", {"personality"}},
           {"action", "SCMP_ACT_ALLOW"},
           {"args", {{{"index", 0}, {"value", 0xffffffff}, {"valueTwo", 8}, {"op", "SCMP_CMP_MASKED_EQ"}}}}}}}};
    REQUIRE(parse_error(c) == "");
    const oci::Spec spec = oci::parse_spec(c.dump());
    const auto& s = *spec.linux->seccomp;
    CHECK(s.defaultErrnoRet == 1u);
    CHECK(s.listenerPath == "/run/agent.sock");
    CHECK(s.syscalls[2].args[0].valueTwo == 8u);
    CHECK(s.syscalls[2].args[0].op == "SCMP_CMP_MASKED_EQ");

    c["linux"]["seccomp"]["listenerPath"] = "agent.sock";
    CHECK_REFUSED(c, "linux.seccomp.listenerPath: must be an absolute path");
    c["linux"]["seccomp"]["listenerPath"] = "/run/agent.sock";
    c["linux"]["seccomp"]["syscalls"][2]["args"][0]["index"] = 6;
    CHECK_REFUSED(c, "linux.seccomp.syscalls[2].args[0].index: must be between 0 and 5");
    c["linux"]["seccomp"]["syscalls"][2]["args"][0]["index"] = 0;
    c["linux"]["seccomp"]["syscalls"][0]["names"][1] = "";
    CHECK_REFUSED(c, "linux.seccomp.syscalls[0].names[1]: must not be empty");
    c["linux"]["seccomp"]["syscalls"][0]["names"][1] = "write";
    c["linux"]["seccomp"].erase("defaultAction");
    CHECK_REFUSED(c, "linux.seccomp.defaultAction: required");
}

TEST_CASE("parse_process_spec and parse_resources_spec read the exec and update documents") {
    const auto process = oci::parse_process_spec(R"({"args": ["/bin/sh"], "cwd": "/tmp", "env": ["A=b"]})");
    CHECK(process.cwd == "/tmp");
    try {
        oci::parse_process_spec(R"({"args": ["/bin/sh"], "cwd": "tmp"})");
        FAIL("accepted");
    } catch (const oci::ConfigError& e) {
        CHECK(std::string(e.what()) == "cwd: must be an absolute path, not \"tmp\"");
    }
    const auto resources = oci::parse_resources_spec(R"({"memory": {"limit": 1048576}, "pids": {"limit": 10}})");
    CHECK(resources.memory->limit == 1048576);
    CHECK_THROWS_WITH_AS(oci::parse_resources_spec(R"({"memory": {"limit": "1M"}})"),
                         "memory.limit: must be a 64-bit integer", oci::ConfigError);
    CHECK_THROWS_WITH_AS(oci::parse_resources_spec("{"), doctest::Contains("resources: invalid JSON"),
                         oci::ConfigError);
}
