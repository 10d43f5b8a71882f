// stats(): every counter runc's events report, from fake v1 and v2 trees,
// and the parsers of the kernel's statistics files.
#include <unistd.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cgroups/convert.hpp"
#include "cgroups/v1_manager.hpp"
#include "cgroups/v2_manager.hpp"
#include "fake_tree.hpp"

using namespace cgroups;

TEST_CASE("parse_u64_list, parse_blkio_lines, parse_io_stat") {
    CHECK(parse_u64_list("10 20 30 \n") == std::vector<uint64_t>{10, 20, 30});
    CHECK(parse_u64_list("").empty());

    auto b = parse_blkio_lines("8:0 Read 4096\n8:0 Write 512\n8:16 Total 7\nTotal 4615\n");
    REQUIRE(b.size() == 3);
    CHECK(b[0].major == 8);
    CHECK(b[0].minor == 0);
    CHECK(b[0].op == "Read");
    CHECK(b[0].value == 4096);
    CHECK(b[2].minor == 16);
    CHECK(b[2].op == "Total");

    std::vector<DeviceStat> bytes, ios;
    parse_io_stat("254:0 rbytes=100 wbytes=20 rios=3 wios=1 dbytes=0 dios=0\n", bytes, ios);
    REQUIRE(bytes.size() == 4);
    CHECK(bytes[0].op == "Read");
    CHECK(bytes[0].value == 100);
    CHECK(bytes[1].op == "Write");
    CHECK(bytes[3].op == "Total");
    CHECK(bytes[3].value == 120);
    REQUIRE(ios.size() == 4);
    CHECK(ios[3].value == 4);
    CHECK(ios[0].major == 254);
}

TEST_CASE("v1 stats: swap, kernel, raw, percpu, throttling, blkio, hugetlb") {
    fake::Tree t;
    std::vector<V1Manager::Dir> dirs;
    for (auto [name, ctrl] : {std::pair{"memory", "memory"}, std::pair{"cpu", "cpu"}, std::pair{"cpuacct", "cpuacct"},
                              std::pair{"blkio", "blkio"}, std::pair{"hugetlb", "hugetlb"}, std::pair{"pids", "pids"}}) {
        V1Manager::Dir d;
        d.name = name;
        d.controllers = {ctrl};
        d.mount_point = t.path(name);
        d.path = t.path(std::string(name) + "/c1");
        dirs.push_back(d);
    }
    V1Manager m(dirs, false);
    t.put("memory/c1/memory.usage_in_bytes", "4096\n");
    t.put("memory/c1/memory.limit_in_bytes", "9223372036854771712\n");
    t.put("memory/c1/memory.memsw.usage_in_bytes", "5000\n");
    t.put("memory/c1/memory.memsw.limit_in_bytes", "1048576\n");
    t.put("memory/c1/memory.kmem.usage_in_bytes", "300\n");
    t.put("memory/c1/memory.kmem.tcp.max_usage_in_bytes", "17\n");
    t.put("memory/c1/memory.stat", "cache 123\nrss 456\n");
    t.put("memory/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 1\noom_kill 2\n");
    t.put("cpuacct/c1/cpuacct.usage_percpu", "5 6\n");
    t.put("cpu/c1/cpu.stat", "nr_periods 9\nnr_throttled 4\nthrottled_time 1000\n");
    t.put("blkio/c1/blkio.throttle.io_service_bytes_recursive", "8:0 Read 10\n8:0 Total 10\nTotal 10\n");
    t.put("blkio/c1/blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Total 1\nTotal 1\n");
    t.put("blkio/c1/blkio.io_service_bytes_recursive", "Total 0\n");  // no CFQ: skipped
    t.put("hugetlb/c1/hugetlb.2MB.usage_in_bytes", "2097152\n");
    t.put("hugetlb/c1/hugetlb.2MB.failcnt", "3\n");
    t.put("hugetlb/c1/hugetlb.2MB.rsvd.usage_in_bytes", "0\n");
    auto s = m.stats();
    CHECK(s.memory_usage == 4096);
    CHECK(s.memory_limit == 0);
    CHECK(s.swap.usage == 5000);
    CHECK(s.swap.limit == 1048576);
    CHECK(s.kernel.usage == 300);
    CHECK(s.kernel_tcp.max == 17);
    CHECK(s.memory_cache == 123);
    CHECK(s.memory_raw.at("rss") == 456);
    CHECK(s.oom_kills == 2);
    CHECK(s.oom_events == 2);
    CHECK(s.cpu_percpu_ns == std::vector<uint64_t>{5, 6});
    CHECK(s.cpu_periods == 9);
    CHECK(s.cpu_throttled_periods == 4);
    CHECK(s.cpu_throttled_ns == 1000);
    REQUIRE(s.io_service_bytes.size() == 2);
    CHECK(s.io_service_bytes[0].value == 10);
    REQUIRE(s.io_serviced.size() == 2);
    REQUIRE(s.hugetlb.size() == 1);
    CHECK(s.hugetlb.at("2MB").usage == 2097152);
    CHECK(s.hugetlb.at("2MB").failcnt == 3);
}

TEST_CASE("v2 stats: swap as memory+swap, memory.stat, throttling, io.stat, hugetlb") {
    fake::Tree t;
    V2Manager m(t.root(), t.path("c1"), {}, false);
    t.put("c1/memory.current", "1000\n");
    t.put("c1/memory.max", "4096\n");
    t.put("c1/memory.events", "max 2\noom 3\noom_kill 1\n");
    t.put("c1/memory.swap.current", "50\n");
    t.put("c1/memory.swap.max", "100\n");
    t.put("c1/memory.stat", "anon 10\nfile 20\nkernel 30\nsock 40\n");
    t.put("c1/cpu.stat", "usage_usec 5\nuser_usec 3\nsystem_usec 2\nnr_periods 7\nnr_throttled 6\nthrottled_usec 8\n");
    t.put("c1/io.stat", "254:0 rbytes=100 wbytes=20 rios=3 wios=1 dbytes=0 dios=0\n");
    t.put("c1/hugetlb.2MB.current", "0\n");
    t.put("c1/hugetlb.2MB.events", "max 5\n");
    auto s = m.stats();
    CHECK(s.memory_limit == 4096);
    CHECK(s.memory_failcnt == 2);
    CHECK(s.oom_events == 3);
    CHECK(s.oom_kills == 1);
    CHECK(s.swap.usage == 1050);
    CHECK(s.swap.limit == 4196);
    CHECK(s.memory_cache == 20);
    CHECK(s.kernel.usage == 30);
    CHECK(s.kernel_tcp.usage == 40);
    CHECK(s.cpu_throttled_periods == 6);
    CHECK(s.cpu_throttled_ns == 8000);
    CHECK(s.io_service_bytes.size() == 4);
    CHECK(s.io_serviced.size() == 4);
    CHECK(s.hugetlb.at("2MB").failcnt == 5);
}

TEST_CASE("Config: controllers in parents default to on for v2 as root, off for v1") {
    fake::Tree t;
    t.put("cgroup.controllers", "memory pids\n");
    t.put("cgroup.subtree_control", "");
    V2Manager v2(UnifiedHierarchy{t.root(), "/"}, Config{"c1", std::string("/crun-lite/c1")});
    nlohmann::json saved = nlohmann::json::parse(v2.save());
    CHECK(saved["enable_in_parents"] == (::geteuid() == 0));
    Config off{"c1", std::string("/crun-lite/c1")};
    off.enable_controllers_in_parents = false;
    V2Manager v2off(UnifiedHierarchy{t.root(), "/"}, off);
    CHECK(nlohmann::json::parse(v2off.save())["enable_in_parents"] == false);
}
