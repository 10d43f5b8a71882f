// Unit tests for the runtime's pure pieces: ids, signals, the state
// document, update flags and durations.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/container_record.hpp"
#include "runtime/state_store.hpp"
#include "runtime/update_request.hpp"

using namespace runtime;

TEST_CASE("container ids follow runc's rule and cannot name a path") {
    for (const char* ok : {"a", "abc-1_2+3.4", "0", "A.b", "-x", "+y"}) CHECK_NOTHROW(validate_container_id(ok));
    for (const char* bad : {"", ".", "..", "../x", "a/b", "/abs", ".hidden", "a b", "a\nb"}) {
        CHECK_THROWS_AS(validate_container_id(bad), common::Error);
    }
    CHECK_NOTHROW(validate_container_id(std::string(1024, 'x')));
    CHECK_THROWS(validate_container_id(std::string(1025, 'x')));
}

TEST_CASE("signals by name, with or without SIG, and by number") {
    CHECK(parse_signal("KILL") == SIGKILL);
    CHECK(parse_signal("SIGTERM") == SIGTERM);
    CHECK(parse_signal("sigusr1") == SIGUSR1);
    CHECK(parse_signal("9") == 9);
    CHECK(parse_signal("RTMIN+2") == SIGRTMIN + 2);
    CHECK(parse_signal("0") == 0);  // runc's liveness check: `kill [--all] ID 0`
    for (const char* bad : {"", "SIGFOO", "SIG0", "65", "9x", "-9"}) CHECK_THROWS(parse_signal(bad));
}

TEST_CASE("the state document: runc's members, pid 0 once stopped") {
    ContainerRecord r;
    r.id = "c1";
    r.bundle = "/b";
    r.rootfs = "/b/rootfs";
    r.pid = 42;
    r.created = "2026-01-01T00:00:00.000000000Z";
    r.annotations = {{"k", "v"}};
    auto running = nlohmann::json::parse(state_json(r, oci::Status::running));
    CHECK(running["ociVersion"] == "1.3.0");
    CHECK(running["id"] == "c1");
    CHECK(running["status"] == "running");
    CHECK(running["pid"] == 42);
    CHECK(running["bundle"] == "/b");
    CHECK(running["rootfs"] == "/b/rootfs");
    CHECK(running["annotations"]["k"] == "v");
    auto stopped = nlohmann::json::parse(state_json(r, oci::Status::stopped));
    CHECK(stopped["status"] == "stopped");
    CHECK(stopped["pid"] == 0);
}

TEST_CASE("the container record survives a round trip") {
    ContainerRecord r;
    r.id = "c2";
    r.bundle = "/bundle";
    r.pid = 7;
    r.pid_start_time = 123456;
    r.cgroup = R"({"kind":"v1"})";
    r.has_poststop_hooks = true;
    ContainerRecord back = record_from_json(to_json(r), "test");
    CHECK(back.id == r.id);
    CHECK(back.pid == 7);
    CHECK(back.pid_start_time == 123456);
    CHECK(back.cgroup == r.cgroup);
    CHECK(back.has_poststop_hooks);
    CHECK_FALSE(back.has_poststart_hooks);
    CHECK_THROWS_AS(record_from_json("{", "x"), common::Error);
}

TEST_CASE("update: memory sizes and flags as runc takes them") {
    CHECK(parse_memory_size("1048576", "memory") == 1048576);
    CHECK(parse_memory_size("512k", "memory") == 512 * 1024);
    CHECK(parse_memory_size("100m", "memory") == 100LL * 1024 * 1024);
    CHECK(parse_memory_size("-1", "memory") == -1);
    CHECK_THROWS(parse_memory_size("lots", "memory"));
    auto patch = resources_patch_from_flags({{"memory", "64m"}, {"pids-limit", "50"}, {"cpu-quota", "20000"}});
    CHECK(patch["memory"]["limit"] == 64LL * 1024 * 1024);
    CHECK(patch["pids"]["limit"] == 50);
    CHECK(patch["cpu"]["quota"] == 20000);
    CHECK_THROWS(resources_patch_from_flags({{"l3-cache-schema", "L3:0=f"}}));
    // runc's template: zeros and "" leave things as they are.
    auto tpl = nlohmann::json::parse(R"({"memory": {"limit": 0, "reservation": 0, "swap": 0},
        "cpu": {"shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "", "mems": ""},
        "blockIO": {"weight": 0}, "pids": {"limit": 0}})");
    drop_unchanged(tpl);
    CHECK(tpl.empty());
    auto some = nlohmann::json::parse(R"({"memory": {"limit": 1048576, "swap": 0}, "cpu": {"quota": -1, "cpus": "0"}})");
    drop_unchanged(some);
    CHECK(some.dump() == R"({"cpu":{"cpus":"0","quota":-1},"memory":{"limit":1048576}})");
}

TEST_CASE("events --interval durations") {
    using namespace std::chrono;
    CHECK(parse_duration("5s") == seconds(5));
    CHECK(parse_duration("500ms") == milliseconds(500));
    CHECK(parse_duration("1m30s") == seconds(90));
    CHECK_THROWS(parse_duration("0s"));
    CHECK_THROWS(parse_duration("soon"));
}
