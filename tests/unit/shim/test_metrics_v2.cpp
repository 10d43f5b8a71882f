// Stats on a cgroup v2 host: the runtime's stats JSON (runc's layout, as
// crun-lite prints it for a v2 cgroup) encoded as containerd's
// io.containerd.cgroups.v2.Metrics, field numbers from containerd/cgroups'
// v2 metrics.proto. The end-to-end path here stays v1 (a hybrid host).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "shim/proto/metrics.hpp"
#include "shim/proto/wire.hpp"
#include "shim/service/stats.hpp"

using namespace shimproto;

namespace {

// One message's fields: varints by number, and every bytes field in order.
struct Decoded {
    std::map<uint32_t, uint64_t> varints;
    std::multimap<uint32_t, std::string> bytes;
    explicit Decoded(std::string_view data) {
        Reader r(data);
        Field f;
        while (r.next(f)) {
            if (f.type == WireType::Varint) varints[f.number] = f.varint;
            else bytes.emplace(f.number, std::string(f.bytes));
        }
    }
    Decoded sub(uint32_t number) const {
        auto it = bytes.find(number);
        REQUIRE(it != bytes.end());
        return Decoded(it->second);
    }
    std::vector<Decoded> all(uint32_t number) const {
        std::vector<Decoded> out;
        auto [from, to] = bytes.equal_range(number);
        for (auto it = from; it != to; ++it) out.emplace_back(it->second);
        return out;
    }
    uint64_t at(uint32_t number) const {
        auto it = varints.find(number);
        return it == varints.end() ? 0 : it->second;
    }
};

const char* kStatsJson = R"({"type":"stats","id":"c1","data":{
  "cpu":{"usage":{"total":5000000,"kernel":2000000,"user":3000000},
         "throttling":{"periods":7,"throttledPeriods":2,"throttledTime":9000}},
  "memory":{"usage":{"limit":104857600,"usage":2097152,"max":4194304,"failcnt":1},
            "swap":{"limit":209715200,"usage":3145728,"max":5242880,"failcnt":0},
            "raw":{"anon":1048576,"file":524288,"pgfault":42,"slab":8192,"not_a_field":5}},
  "pids":{"current":3,"limit":100},
  "blkio":{"ioServiceBytesRecursive":[{"major":8,"minor":0,"op":"Read","value":4096},
                                      {"major":8,"minor":0,"op":"Write","value":8192},
                                      {"major":8,"minor":16,"op":"Write","value":512}],
           "ioServicedRecursive":[{"major":8,"minor":0,"op":"Read","value":1},
                                  {"major":8,"minor":0,"op":"Write","value":2}]},
  "hugetlb":{"2MB":{"usage":2097152,"max":4194304,"failcnt":0}}}})";

}  // namespace

TEST_CASE("metrics v2: the runtime's stats in containerd's v2 Metrics") {
    const auto metrics = shim::metrics_from_stats_json(kStatsJson);
    const Any any = encode_v2_metrics(metrics, {0, 4, 3, 1, 1});
    CHECK(any.type_url == "io.containerd.cgroups.v2.Metrics");
    const Decoded m(any.value);

    const auto pids = m.sub(1);  // PidsStat {current = 1, limit = 2}
    CHECK(pids.at(1) == 3);
    CHECK(pids.at(2) == 100);

    const auto cpu = m.sub(2);  // CPUStat, in microseconds
    CHECK(cpu.at(1) == 5000);  // usage_usec
    CHECK(cpu.at(2) == 3000);  // user_usec
    CHECK(cpu.at(3) == 2000);  // system_usec
    CHECK(cpu.at(4) == 7);     // nr_periods
    CHECK(cpu.at(5) == 2);     // nr_throttled
    CHECK(cpu.at(6) == 9);     // throttled_usec

    const auto memory = m.sub(4);  // MemoryStat
    CHECK(memory.at(1) == 1048576);  // anon
    CHECK(memory.at(2) == 524288);   // file
    CHECK(memory.at(4) == 8192);     // slab
    CHECK(memory.at(18) == 42);      // pgfault
    CHECK(memory.at(32) == 2097152);     // usage
    CHECK(memory.at(33) == 104857600);   // usage_limit
    CHECK(memory.at(34) == 1048576);     // swap_usage: memory+swap less memory
    CHECK(memory.at(35) == 104857600);   // swap_limit, likewise
    CHECK(memory.at(36) == 4194304);     // max_usage
    CHECK(memory.at(37) == 1048576);     // swap_max_usage
    CHECK(memory.varints.size() == 10);  // keys v2 does not name are left out

    CHECK(m.bytes.count(5) == 0);  // no rdma
    const auto io = m.sub(6).all(1);  // IOStat {repeated IOEntry usage = 1}, one per device
    REQUIRE(io.size() == 2);
    CHECK(io[0].at(1) == 8);
    CHECK(io[0].at(2) == 0);
    CHECK(io[0].at(3) == 4096);  // rbytes
    CHECK(io[0].at(4) == 8192);  // wbytes
    CHECK(io[0].at(5) == 1);     // rios
    CHECK(io[0].at(6) == 2);     // wios
    CHECK(io[1].at(2) == 16);
    CHECK(io[1].at(4) == 512);

    const auto hugetlb = m.all(7);  // HugeTlbStat {current = 1, max = 2, pagesize = 3}
    REQUIRE(hugetlb.size() == 1);
    CHECK(hugetlb[0].at(1) == 2097152);
    CHECK(hugetlb[0].at(2) == 4194304);
    CHECK(hugetlb[0].bytes.find(3)->second == "2MB");

    const auto events = m.sub(8);  // MemoryEvents {low, high, max, oom, oom_kill}
    CHECK(events.at(1) == 0);
    CHECK(events.at(2) == 4);
    CHECK(events.at(3) == 3);
    CHECK(events.at(4) == 1);
    CHECK(events.at(5) == 1);
}

TEST_CASE("metrics v2: memory.events parsed by key") {
    const auto e = shim::parse_memory_events("low 1\nhigh 2\nmax 3\noom 4\noom_kill 5\noom_group_kill 6\n");
    CHECK(e.low == 1);
    CHECK(e.high == 2);
    CHECK(e.max == 3);
    CHECK(e.oom == 4);
    CHECK(e.oom_kill == 5);
    const auto none = shim::memory_events_of(-1);
    CHECK(none.oom == 0);
}
