#include <doctest/doctest.h>

#include "cgroups/convert.hpp"
#include "common/error.hpp"

using namespace cgroups;

TEST_CASE("cpu shares map onto cpu.weight through the v1 and v2 defaults") {
    CHECK(cpu_shares_to_weight(0) == 0);  // unset stays unset
    CHECK(cpu_shares_to_weight(1) == 1);
    CHECK(cpu_shares_to_weight(2) == 1);
    CHECK(cpu_shares_to_weight(1024) == 100);  // default to default
    CHECK(cpu_shares_to_weight(262144) == 10000);
    CHECK(cpu_shares_to_weight(1u << 20) == 10000);
    CHECK(cpu_shares_to_weight(512) == 59);
    CHECK(cpu_shares_to_weight(2048) == 174);
    // Monotonic over the whole range.
    uint64_t last = 0;
    for (uint64_t s = 2; s <= 262144; s += 97) {
        CHECK(cpu_shares_to_weight(s) >= last);
        last = cpu_shares_to_weight(s);
    }
}

TEST_CASE("blkio weight maps onto io.weight") {
    CHECK(blkio_weight_to_io_weight(0) == 0);
    CHECK(blkio_weight_to_io_weight(10) == 1);
    CHECK(blkio_weight_to_io_weight(1000) == 10000);
    CHECK(blkio_weight_to_io_weight(500) == 1 + 490 * 9999 / 990);
    CHECK(blkio_weight_to_io_weight(5) == 1);  // below range: clamped
}

TEST_CASE("memory+swap becomes swap alone for memory.swap.max") {
    CHECK(swap_to_v2(std::nullopt, std::nullopt) == std::nullopt);
    CHECK(swap_to_v2(std::nullopt, 1000) == std::nullopt);
    CHECK(swap_to_v2(std::nullopt, -1) == -1);  // unlimited memory: unlimited swap
    CHECK(swap_to_v2(-1, 1000) == -1);
    CHECK(swap_to_v2(3000, 1000) == 2000);
    CHECK(swap_to_v2(1000, 1000) == 0);
    CHECK_THROWS_WITH_AS(swap_to_v2(500, 1000), doctest::Contains("linux.resources.memory.swap"), common::Error);
    CHECK_THROWS_WITH_AS(swap_to_v2(500, std::nullopt), doctest::Contains("without a memory limit"),
                         common::Error);
}

TEST_CASE("limits and pids.max spell unlimited as max") {
    CHECK(limit_or_max(-1) == "max");
    CHECK(limit_or_max(4096) == "4096");
    CHECK(pids_max(0) == "max");
    CHECK(pids_max(-1) == "max");
    CHECK(pids_max(10) == "10");
}

TEST_CASE("cpu.max line keeps the current quota when only the period changes") {
    CHECK(cpu_max_line(50000, 100000, "") == "50000 100000");
    CHECK(cpu_max_line(-1, 100000, "") == "max 100000");
    CHECK(cpu_max_line(20000, std::nullopt, "") == "20000");
    CHECK(cpu_max_line(std::nullopt, 200000, "30000") == "30000 200000");
    CHECK(cpu_max_line(std::nullopt, 200000, "max") == "max 200000");
}

TEST_CASE("device numbers use * for any") {
    CHECK(device_number(1, 3) == "1:3");
    CHECK(device_number(std::nullopt, std::nullopt) == "*:*");
    CHECK(device_number(136, std::nullopt) == "136:*");
}

TEST_CASE("cgroup file values parse") {
    CHECK(parse_u64("123\n") == 123u);
    CHECK(parse_u64(" 7 ") == 7u);
    CHECK(parse_u64("abc") == std::nullopt);
    CHECK(parse_u64("") == std::nullopt);
    CHECK(parse_limit("max\n") == 0);
    CHECK(parse_limit("9223372036854771712\n") == 0);  // v1 "unlimited"
    CHECK(parse_limit("67108864\n") == 67108864u);
    auto kv = parse_flat_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\nbogus\n");
    CHECK(kv["oom_kill"] == 3);
    CHECK(kv["under_oom"] == 0);
    CHECK(kv.count("bogus") == 0);
}
