// Unit tests for the runtime's pure pieces: ids, signals, the state
// document, damaged state files, update flags and durations.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/container_record.hpp"
#include "runtime/container_remains.hpp"
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

namespace {

ContainerRecord sample_record() {
    ContainerRecord r;
    r.id = "c3";
    r.bundle = "/bundle";
    r.rootfs = "/bundle/rootfs";
    r.created = "2026-01-01T00:00:00.000000000Z";
    r.pid = 1234;
    r.pid_start_time = 987654;
    r.cgroup = R"({"kind":"v2","mount_point":"/sys/fs/cgroup","path":"/sys/fs/cgroup/c3","created":[]})";
    return r;
}

// The reason parse_state gives for `text` as container c3's state.
std::string reason_for(const std::string& text) {
    try {
        parse_state(text, "c3", "/run/x/c3/state.json");
    } catch (const UnreadableState& e) {
        CHECK(e.id() == "c3");
        return e.reason();
    }
    return "(parsed)";
}

}  // namespace

TEST_CASE("a damaged state file: each kind of damage named, no crash") {
    const std::string good = to_json(sample_record());
    CHECK(parse_state(good, "c3", "p").pid == 1234);
    CHECK(reason_for("") == "state.json is empty");
    CHECK(reason_for(" \n") == "state.json holds only whitespace");
    CHECK(reason_for(good.substr(0, good.size() / 2)) ==
          "state.json is cut short: its JSON stops unfinished after " + std::to_string(good.size() / 2) + " bytes");
    CHECK(reason_for(std::string("\x01\xff\x00garbage", 10)) ==
          "state.json is not valid JSON: unexpected 0x01 at byte 1 of 10");
    CHECK(reason_for(good + "}") == "state.json is not valid JSON: unexpected '}' at byte " +
                                        std::to_string(good.size() + 1) + " of " + std::to_string(good.size() + 1));
    CHECK(reason_for("[1,2]") == "state.json holds a JSON array, not an object");
    CHECK(reason_for(R"({"bundle":"/b","pid":5})") == "state.json has no \"id\" member");
    CHECK(reason_for(R"({"id":"c3","pid":5})") == "state.json has no \"bundle\" member");
    CHECK(reason_for(R"({"id":"c3","bundle":"/b","pid":"five"})").find("state.json: type must be number") == 0);
    CHECK(reason_for(R"({"id":"other","bundle":"/b"})") == "state.json names another container, \"other\"");
    // The message names the id, the file and the way out.
    try {
        parse_state("", "c3", "/run/x/c3/state.json");
        FAIL("no error");
    } catch (const UnreadableState& e) {
        CHECK(std::string(e.what()) ==
              "container \"c3\": unreadable state: state.json is empty (/run/x/c3/state.json); "
              "\"delete --force c3\" kills what is left of it and removes it");
    }
}

TEST_CASE("salvage: the members before the damage, only whole values") {
    const std::string good = to_json(sample_record());
    SalvagedState all = salvage_state(good);
    CHECK(all.bundle == "/bundle");
    CHECK(all.pid == 1234);
    CHECK(all.pid_start_time == 987654);
    CHECK(all.cgroup == sample_record().cgroup);
    CHECK(all.rootfs == "/bundle/rootfs");

    // Cut inside "pid": the digits read so far would name another process.
    const auto pid_at = good.find("\"pid\":1234") + 8;
    SalvagedState cut = salvage_state(good.substr(0, pid_at));
    CHECK(cut.bundle == "/bundle");
    CHECK(cut.cgroup == sample_record().cgroup);
    CHECK(cut.pid == 0);
    CHECK(cut.pid_start_time == 0);
    // Cut after the next member's name: the pid was whole.
    SalvagedState after = salvage_state(good.substr(0, good.find("\"pidStartTime\"") + 14));
    CHECK(after.pid == 1234);
    CHECK(after.pid_start_time == 0);
    // Cut inside a string: not kept.
    SalvagedState in_string = salvage_state(good.substr(0, good.find("/bundle") + 3));
    CHECK(in_string.bundle.empty());
    // Nested members do not count as top-level ones.
    CHECK(salvage_state(R"({"annotations":{"pid":9,"bundle":"x"},"pid":)").pid == 0);
    CHECK(salvage_state(R"({"annotations":{"pid":9,"bundle":"x"},"pid":)").bundle.empty());
    // For a container's own file: another container's file gives nothing,
    // and without the id (cut before it) no pid is trusted.
    CHECK(salvage_state(good, "c3").pid == 1234);
    CHECK(salvage_state(good, "c4").bundle.empty());
    CHECK(salvage_state(good, "c4").pid == 0);
    SalvagedState no_id = salvage_state(R"({"bundle":"/b","pid":77,"pidStartTime":5,"x":1})", "c3");
    CHECK(no_id.bundle == "/b");
    CHECK(no_id.pid == 0);
    for (std::string junk : {std::string(""), std::string("\x01\x02"), std::string("[1,2,3]"), std::string("null")}) {
        SalvagedState none = salvage_state(junk);
        CHECK(none.pid == 0);
        CHECK(none.bundle.empty());
        CHECK(none.cgroup.empty());
    }
}

TEST_CASE("the state file on disk: atomic save, and load says what is missing") {
    char tmpl[] = "/tmp/crun-lite-unit.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::string root = tmpl;
    {
        StateStore store(root);
        ContainerDir dir = store.claim("c3");
        try {
            dir.load();
            FAIL("no error");
        } catch (const UnreadableState& e) {
            CHECK(e.reason() == "no state.json: its create did not finish");
        }
        dir.save(sample_record());
        CHECK(dir.load().pid_start_time == 987654);
        struct stat st;
        CHECK(::stat(dir.file("state.json.tmp").c_str(), &st) != 0);  // renamed into place
        { std::ofstream(dir.file("state.json"), std::ios::trunc) << "{\"id\":\"c3\",\"bun"; }
        CHECK_THROWS_AS(dir.load(), UnreadableState);
        CHECK(store.busy("c3"));  // held by `dir` (flock: per open file, so even against us)
    }
    StateStore store(root);
    CHECK_FALSE(store.busy("c3"));  // released with the directory fd
    store.remove("c3");
    remove_tree(root);
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
