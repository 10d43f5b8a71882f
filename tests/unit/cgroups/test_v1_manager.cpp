// The v1/hybrid manager against a fake tree laid out like this host:
// separate v1 hierarchies plus cgroup2 at unified/ offering hugetlb.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>

#include "cgroups/control_dir.hpp"
#include "cgroups/factory.hpp"
#include "cgroups/v1_manager.hpp"
#include "cgroups/v1_resources.hpp"
#include "cgroups/warnings.hpp"
#include "common/error.hpp"
#include "fake_tree.hpp"

using namespace cgroups;

namespace {

Layout fake_layout(const fake::Tree& t) {
    Layout l;
    auto h = [&](std::string name, std::vector<std::string> controllers, std::string own = "/") {
        t.mkdir(name);
        l.v1.push_back({name, t.path(name), std::move(controllers), std::move(own)});
    };
    h("memory", {"memory"}, "/own");
    t.mkdir("memory/own");
    h("cpu,cpuacct", {"cpu", "cpuacct"});
    h("cpuset", {"cpuset"});
    h("pids", {"pids"});
    h("blkio", {"blkio"});
    h("devices", {"devices"});
    h("freezer", {"freezer"});
    t.put("unified/cgroup.controllers", "hugetlb\n");
    // The host delegates hugetlb below its unified root already.
    t.put("unified/cgroup.subtree_control", "hugetlb\n");
    l.unified = UnifiedHierarchy{t.path("unified"), "/"};
    return l;
}

// The files the kernel would put in a new cgroup of each hierarchy.
void populate(const fake::Tree& t, const std::string& rel) {
    t.put("memory/" + rel + "/memory.limit_in_bytes", "9223372036854771712\n");
    for (auto f : {"memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.kmem.tcp.limit_in_bytes",
                   "memory.swappiness", "memory.oom_control", "memory.usage_in_bytes", "cgroup.procs"})
        t.put("memory/" + rel + "/" + f, "0\n");
    for (auto f : {"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.rt_period_us",
                   "cpu.rt_runtime_us", "cpu.idle", "cpuacct.usage", "cpuacct.stat"})
        t.put("cpu,cpuacct/" + rel + "/" + f);
    t.put("cpuset/" + rel + "/cpuset.cpus");
    t.put("cpuset/" + rel + "/cpuset.mems");
    t.put("pids/" + rel + "/pids.max", "max\n");
    t.put("pids/" + rel + "/cgroup.procs");
    for (auto f : {"blkio.bfq.weight", "blkio.bfq.weight_device", "blkio.throttle.read_bps_device",
                   "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
                   "blkio.throttle.write_iops_device"})
        t.put("blkio/" + rel + "/" + f);
    t.put("devices/" + rel + "/devices.allow");
    t.put("devices/" + rel + "/devices.deny");
    t.put("freezer/" + rel + "/freezer.state", "THAWED\n");
    // The unified side: the intermediate dir delegates, the leaf has files.
    std::string parent = rel.substr(0, rel.rfind('/'));
    t.put("unified/" + parent + "/cgroup.controllers", "hugetlb\n");
    t.put("unified/" + parent + "/cgroup.subtree_control", "\n");
    for (auto f : {"cgroup.procs", "cgroup.kill", "cgroup.freeze", "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max"})
        t.put("unified/" + rel + "/" + f);
}

std::vector<std::string> files_written(const std::vector<WriteRecord>& log, const std::string& suffix) {
    std::vector<std::string> out;
    for (auto& w : log)
        if (w.path.size() >= suffix.size() && w.path.compare(w.path.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(w.value);
    return out;
}

size_t index_of(const std::vector<WriteRecord>& log, const std::string& suffix) {
    for (size_t i = 0; i < log.size(); ++i)
        if (log[i].path.size() >= suffix.size() &&
            log[i].path.compare(log[i].path.size() - suffix.size(), suffix.size(), suffix) == 0)
            return i;
    return SIZE_MAX;
}

struct LogGuard {
    std::vector<WriteRecord> log;
    LogGuard() { record_writes(&log); }
    ~LogGuard() { record_writes(nullptr); }
};

oci::DeviceCgroupRule dev_rule(bool allow, std::string type, std::optional<int64_t> maj, std::optional<int64_t> min,
                               std::string access) {
    oci::DeviceCgroupRule r;
    r.allow = allow;
    r.type = std::move(type);
    r.major = maj;
    r.minor = min;
    r.access = std::move(access);
    return r;
}

struct Fixture {
    fake::Tree t;
    Layout layout = fake_layout(t);
    std::unique_ptr<Manager> m = make_manager(Config{"c1", std::string("/crun-lite-test/c1")}, layout);
    Fixture() {
        m->create();
        populate(t, "crun-lite-test/c1");
    }
};

}  // namespace

TEST_CASE("v1: create makes the directory in every hierarchy and the unified one") {
    Fixture f;
    auto hs = f.m->hierarchies();
    REQUIRE(hs.size() == 8);
    CHECK(hs[0].name == "memory");
    CHECK(hs[0].path == f.t.path("memory/crun-lite-test/c1"));  // absolute: from the hierarchy root
    CHECK(hs[1].name == "cpu,cpuacct");
    CHECK(hs[1].path == f.t.path("cpu,cpuacct/crun-lite-test/c1"));
    CHECK(hs[7].name == "unified");
    CHECK(hs[7].unified);
    for (auto& h : hs) CHECK(f.t.exists(h.path.substr(f.t.root().size() + 1)));
}

TEST_CASE("v1: the child joins each v1 hierarchy by its tasks file, the unified one by clone3") {
    Fixture f;
    auto files = f.m->self_join_files();
    REQUIRE(files.size() == 7);
    CHECK(files[0] == f.t.path("memory/crun-lite-test/c1/tasks"));
    CHECK(files[1] == f.t.path("cpu,cpuacct/crun-lite-test/c1/tasks"));
    CHECK(std::none_of(files.begin(), files.end(), [](const std::string& file) { return file.find("unified") != std::string::npos; }));
    CHECK(f.m->clone_into_fd() >= 0);
    CHECK(f.m->clone_into_fd() == f.m->clone_into_fd());  // opened once, owned by the manager
}

TEST_CASE("v1: absolute paths start at the hierarchy root, relative ones under the own cgroup") {
    fake::Tree t;
    auto layout = fake_layout(t);
    V1Manager abs(layout, Config{"c1", std::string("/x/c1")});
    CHECK(abs.dirs()[0].path == t.path("memory/x/c1"));
    V1Manager rel(layout, Config{"c1", std::string("x/c1")});
    CHECK(rel.dirs()[0].path == t.path("memory/own/x/c1"));
    CHECK(rel.dirs()[1].path == t.path("cpu,cpuacct/x/c1"));
    V1Manager none(layout, Config{"c1", std::nullopt});
    CHECK(none.dirs()[0].path == t.path("memory/own/crun-lite/c1"));
}

TEST_CASE("v1: every resource lands in its file") {
    Fixture f;
    LogGuard g;
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 64 << 20;
    r.memory->swap = 128 << 20;
    r.memory->reservation = 32 << 20;
    r.memory->kernel = 1 << 20;
    r.memory->kernelTCP = 2 << 20;
    r.memory->swappiness = 10;
    r.memory->disableOOMKiller = true;
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->burst = 1000;
    r.cpu->realtimeRuntime = 5000;
    r.cpu->realtimePeriod = 10000;
    r.cpu->cpus = "0";
    r.cpu->mems = "0";
    r.cpu->idle = false;
    r.pids = oci::PidsResources{10};
    r.blockIO = oci::BlockIoResources{};
    r.blockIO->weight = 300;
    r.blockIO->weightDevice.push_back({8, 0, 200, std::nullopt});
    r.blockIO->throttleReadBpsDevice = {{8, 0, 1048576}, {8, 16, 2048}};
    r.blockIO->throttleWriteIOPSDevice = {{8, 0, 100}};
    r.hugepageLimits = {{"2MB", 4194304}};
    r.devices = {dev_rule(false, "a", std::nullopt, std::nullopt, "rwm"), dev_rule(true, "c", 1, 3, "rwm")};
    f.t.put("cpu,cpuacct/crun-lite-test/c1/cpu.shares", "512\n");  // what the kernel reads back

    f.m->apply(r);
    const std::string mem = "memory/crun-lite-test/c1/";
    CHECK(f.t.get(mem + "memory.limit_in_bytes") == "67108864");
    CHECK(f.t.get(mem + "memory.memsw.limit_in_bytes") == "134217728");
    // The old limit (unlimited) is above the new memsw: memory goes first.
    CHECK(index_of(g.log, "memory.limit_in_bytes") < index_of(g.log, "memory.memsw.limit_in_bytes"));
    CHECK(f.t.get(mem + "memory.soft_limit_in_bytes") == "33554432");
    CHECK(f.t.get(mem + "memory.kmem.tcp.limit_in_bytes") == "2097152");
    CHECK(f.t.get(mem + "memory.swappiness") == "10");
    CHECK(f.t.get(mem + "memory.oom_control") == "1");
    REQUIRE(f.m->notes().size() == 1);
    CHECK(f.m->notes()[0].find("memory.kernel") != std::string::npos);

    const std::string cpu = "cpu,cpuacct/crun-lite-test/c1/";
    CHECK(f.t.get(cpu + "cpu.cfs_quota_us") == "50000");
    CHECK(f.t.get(cpu + "cpu.cfs_period_us") == "100000");
    CHECK(f.t.get(cpu + "cpu.cfs_burst_us") == "1000");
    CHECK(f.t.get(cpu + "cpu.rt_period_us") == "10000");
    CHECK(f.t.get(cpu + "cpu.rt_runtime_us") == "5000");
    CHECK(f.t.get(cpu + "cpu.idle") == "0");
    CHECK(f.t.get("cpuset/crun-lite-test/c1/cpuset.cpus") == "0");
    CHECK(f.t.get("cpuset/crun-lite-test/c1/cpuset.mems") == "0");
    CHECK(f.t.get("pids/crun-lite-test/c1/pids.max") == "10");
    // No blkio.weight on this kernel: BFQ's file takes the weight.
    CHECK(f.t.get("blkio/crun-lite-test/c1/blkio.bfq.weight") == "300");
    CHECK(f.t.get("blkio/crun-lite-test/c1/blkio.bfq.weight_device") == "8:0 200");
    CHECK(files_written(g.log, "blkio.throttle.read_bps_device") == std::vector<std::string>{"8:0 1048576", "8:16 2048"});
    CHECK(f.t.get("blkio/crun-lite-test/c1/blkio.throttle.write_iops_device") == "8:0 100");
    CHECK(files_written(g.log, "devices.deny") == std::vector<std::string>{"a *:* rwm"});
    CHECK(files_written(g.log, "devices.allow") == std::vector<std::string>{"c 1:3 rwm"});
    CHECK(index_of(g.log, "devices.deny") < index_of(g.log, "devices.allow"));
    // hugetlb exists only in the unified hierarchy here: enabled there.
    CHECK(f.t.get("unified/crun-lite-test/c1/hugetlb.2MB.max") == "4194304");
    CHECK(f.t.get("unified/crun-lite-test/c1/hugetlb.2MB.rsvd.max") == "4194304");
    // Delegated by the host already; enabled in the directory we made.
    CHECK(files_written(g.log, "unified/cgroup.subtree_control").empty());
    CHECK(files_written(g.log, "unified/crun-lite-test/cgroup.subtree_control") == std::vector<std::string>{"+hugetlb"});
}

TEST_CASE("v1: memory and memsw are written in the order the kernel accepts") {
    Fixture f;
    const std::string mem = "memory/crun-lite-test/c1/";
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    SUBCASE("raising: memsw first") {
        f.t.put(mem + "memory.limit_in_bytes", "67108864\n");
        r.memory->limit = 256 << 20;
        r.memory->swap = 512 << 20;
        LogGuard g;
        f.m->apply(r);
        CHECK(index_of(g.log, "memory.memsw.limit_in_bytes") < index_of(g.log, "memory.limit_in_bytes"));
    }
    SUBCASE("lowering: memory first") {
        f.t.put(mem + "memory.limit_in_bytes", "536870912\n");
        r.memory->limit = 64 << 20;
        r.memory->swap = 128 << 20;
        LogGuard g;
        f.m->apply(r);
        CHECK(index_of(g.log, "memory.limit_in_bytes") < index_of(g.log, "memory.memsw.limit_in_bytes"));
    }
    SUBCASE("unlimited memory lifts memsw too, first") {
        r.memory->limit = -1;
        LogGuard g;
        f.m->apply(r);
        CHECK(f.t.get(mem + "memory.memsw.limit_in_bytes") == "-1");
        CHECK(index_of(g.log, "memory.memsw.limit_in_bytes") < index_of(g.log, "memory.limit_in_bytes"));
    }
    SUBCASE("checkBeforeUpdate refuses a limit below the usage") {
        f.t.put(mem + "memory.usage_in_bytes", "100000000\n");
        r.memory->limit = 64 << 20;
        r.memory->checkBeforeUpdate = true;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("checkBeforeUpdate"), common::Error);
        CHECK(f.t.get(mem + "memory.limit_in_bytes") == "9223372036854771712\n");  // untouched
    }
    SUBCASE("swap below memory is refused") {
        r.memory->limit = 64 << 20;
        r.memory->swap = 32 << 20;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.memory.swap"), common::Error);
    }
}

TEST_CASE("v1: fields the host cannot honour are named") {
    Fixture f;
    const std::string blk = "blkio/crun-lite-test/c1/";
    oci::Resources r;
    SUBCASE("blkio weight without any weight file") {
        f.t.clear_files("blkio/crun-lite-test/c1");
        r.blockIO = oci::BlockIoResources{};
        r.blockIO->weight = 300;
        CHECK_THROWS_WITH_AS(f.m->apply(r),
                             "linux.resources.blockIO.weight: not supported by this host (no blkio.weight)",
                             common::Error);
    }
    SUBCASE("leaf weight") {
        r.blockIO = oci::BlockIoResources{};
        r.blockIO->leafWeight = 300;
        CHECK_THROWS_WITH_AS(f.m->apply(r),
                             "linux.resources.blockIO.leafWeight: not supported by this host (no blkio.leaf_weight)",
                             common::Error);
    }
    SUBCASE("swap without memsw accounting") {
        std::filesystem::remove(f.t.path("memory/crun-lite-test/c1/memory.memsw.limit_in_bytes"));
        r.memory = oci::MemoryResources{};
        r.memory->limit = 1 << 20;
        r.memory->swap = 2 << 20;
        CHECK_THROWS_WITH_AS(
            f.m->apply(r),
            "linux.resources.memory.swap: not supported by this host (no memory.memsw.limit_in_bytes)",
            common::Error);
    }
    SUBCASE("network without net_cls") {
        r.network = oci::NetworkResources{};
        r.network->classID = 0x100001;
        CHECK_THROWS_WITH_AS(f.m->apply(r),
                             "linux.resources.network.classID: not supported by this host (no net_cls hierarchy)",
                             common::Error);
    }
    SUBCASE("rdma nowhere") {
        r.rdma["mlx5_0"] = oci::RdmaLimit{3, std::nullopt};
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.rdma: not supported"), common::Error);
    }
    SUBCASE("bad hugepage size") {
        r.hugepageLimits = {{"2MB/../x", 1}};
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("pageSize"), common::Error);
    }
    SUBCASE("swappiness out of range") {
        r.memory = oci::MemoryResources{};
        r.memory->swappiness = 101;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.memory.swappiness"), common::Error);
    }
}

TEST_CASE("v1: the unified map reaches only controllers bound to cgroup v2") {
    Fixture f;
    oci::Resources r;
    SUBCASE("a v2 controller's file is written") {
        r.unified["hugetlb.2MB.max"] = "1048576";
        f.m->apply(r);
        CHECK(f.t.get("unified/crun-lite-test/c1/hugetlb.2MB.max") == "1048576");
    }
    SUBCASE("a v1 controller's key is refused") {
        r.unified["memory.high"] = "1000";
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.unified[\"memory.high\"]"),
                             common::Error);
    }
    SUBCASE("paths are refused") {
        r.unified["../hugetlb.2MB.max"] = "1";
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("not a cgroup interface file"), common::Error);
    }
}

TEST_CASE("v1: a controller the host has not delegated is reported, not enabled in its cgroups") {
    fake::Tree t;
    auto layout = fake_layout(t);
    t.put("unified/cgroup.subtree_control", "\n");
    oci::Resources r;
    r.hugepageLimits = {{"2MB", 4194304}};
    SUBCASE("by default") {
        auto m = make_manager(Config{"c1", std::string("/crun-lite-test/c1")}, layout);
        m->create();
        populate(t, "crun-lite-test/c1");
        LogGuard g;
        CHECK_THROWS_WITH_AS(m->apply(r), doctest::Contains("linux.resources.hugepageLimits: not supported by this host"),
                             common::Error);
        CHECK(g.log.empty());
    }
    SUBCASE("unless the caller allows it") {
        Config c{"c1", std::string("/crun-lite-test/c1")};
        c.enable_controllers_in_parents = true;
        auto m = make_manager(c, layout);
        m->create();
        populate(t, "crun-lite-test/c1");
        LogGuard g;
        m->apply(r);
        CHECK(files_written(g.log, "unified/cgroup.subtree_control") == std::vector<std::string>{"+hugetlb"});
        // ...and a later command keeps the choice.
        CHECK(load_manager(m->save())->save() == m->save());
        CHECK(m->save().find("\"enable_in_parents\":true") != std::string::npos);
    }
}

TEST_CASE("v1: cpuset: an empty cgroup gets the nearest ancestor's cpus and mems, every empty one on the way too") {
    fake::Tree t;
    t.put("cs/cpuset.cpus", "0-1\n");
    t.put("cs/cpuset.mems", "0\n");
    // A pod's cgroup someone made and left empty, then ours below it.
    t.put("cs/pod/cpuset.cpus", "\n");
    t.put("cs/pod/cpuset.mems", "");
    t.put("cs/pod/c/cpuset.cpus", "\n");
    t.put("cs/pod/c/cpuset.mems", "");
    LogGuard g;
    v1::ensure_cpuset(t.path("cs"), t.path("cs/pod/c"));
    CHECK(t.get("cs/pod/cpuset.cpus") == "0-1");
    CHECK(t.get("cs/pod/cpuset.mems") == "0");
    CHECK(t.get("cs/pod/c/cpuset.cpus") == "0-1");
    CHECK(t.get("cs/pod/c/cpuset.mems") == "0");
    // Outermost first: a cpuset must be a subset of its parent's.
    CHECK(index_of(g.log, "pod/cpuset.cpus") < index_of(g.log, "pod/c/cpuset.cpus"));
    CHECK(files_written(g.log, "cs/cpuset.cpus").empty());  // the root is only read

    t.put("cs/pod/c/cpuset.cpus", "1\n");  // already set: kept
    g.log.clear();
    v1::ensure_cpuset(t.path("cs"), t.path("cs/pod/c"));
    CHECK(t.get("cs/pod/c/cpuset.cpus") == "1\n");
    CHECK(g.log.empty());

    t.put("q/cpuset.cpus", "");
    t.put("q/cpuset.mems", "");
    t.put("q/c/cpuset.cpus", "");
    CHECK_THROWS_WITH_AS(v1::ensure_cpuset(t.path("q"), t.path("q/c")), doctest::Contains("q/cpuset.cpus is empty"),
                         common::Error);
    t.mkdir("plain/c");  // not a cpuset cgroup: nothing to do
    CHECK_NOTHROW(v1::ensure_cpuset(t.path("plain"), t.path("plain/c")));
}

namespace {
std::vector<std::string> g_warnings;
void capture_warning(const std::string& message) { g_warnings.push_back(message); }
struct WarningGuard {
    WarningGuard() {
        g_warnings.clear();
        set_warning_sink(&capture_warning);
    }
    ~WarningGuard() { set_warning_sink(nullptr); }
};
}  // namespace

TEST_CASE("v1: a frozen cgroup is refused at create, naming it, and what create made is removed") {
    fake::Tree t;
    auto layout = fake_layout(t);
    SUBCASE("v1 freezer") {
        t.put("freezer/pod/c1/freezer.state", "FROZEN\n");
        auto m = make_manager(Config{"c1", std::string("/pod/c1")}, layout);
        CHECK_THROWS_WITH_AS(m->create(),
                             ("container's cgroup unexpectedly frozen: " + t.path("freezer/pod/c1") +
                              " (freezer.state FROZEN); thaw it or use another cgroupsPath")
                                 .c_str(),
                             common::Error);
        CHECK(t.exists("freezer/pod/c1/freezer.state"));  // not ours: kept
        CHECK_FALSE(t.exists("memory/pod"));             // ours: removed
        CHECK_FALSE(t.exists("unified/pod"));
    }
    SUBCASE("frozen by an ancestor") {
        t.put("freezer/pod/c1/freezer.state", "FROZEN\n");
        t.put("freezer/pod/c1/freezer.parent_freezing", "1\n");
        auto m = make_manager(Config{"c1", std::string("/pod/c1")}, layout);
        CHECK_THROWS_WITH_AS(m->create(), doctest::Contains("frozen by an ancestor"), common::Error);
    }
    SUBCASE("the unified hierarchy") {
        t.put("unified/pod/c1/cgroup.events", "populated 0\nfrozen 1\n");
        t.put("unified/pod/c1/cgroup.freeze", "1\n");
        auto m = make_manager(Config{"c1", std::string("/pod/c1")}, layout);
        const std::string want = "unexpectedly frozen: " + t.path("unified/pod/c1");
        CHECK_THROWS_WITH_AS(m->create(), doctest::Contains(want.c_str()), common::Error);
        CHECK(t.exists("unified/pod/c1"));
        CHECK_FALSE(t.exists("freezer/pod"));
    }
    SUBCASE("a thawed one is joined") {
        t.put("freezer/pod/c1/freezer.state", "THAWED\n");
        t.put("unified/pod/c1/cgroup.events", "populated 0\nfrozen 0\n");
        auto m = make_manager(Config{"c1", std::string("/pod/c1")}, layout);
        CHECK_NOTHROW(m->create());
        m->destroy();
        CHECK(t.exists("freezer/pod/c1"));
        CHECK_FALSE(t.exists("memory/pod"));
    }
    SUBCASE("a cgroup made below the root or our own cgroup is not read") {
        // Both would say frozen if read; a new cgroup below a running
        // process's cgroup cannot be.
        t.put("freezer/x/freezer.state", "FROZEN\n");
        auto m = make_manager(Config{"c1", std::string("c1")}, layout);
        CHECK_NOTHROW(m->create());
        m->destroy();
    }
}

TEST_CASE("v1: joining a cgroup that holds processes warns and goes on") {
    fake::Tree t;
    auto layout = fake_layout(t);
    WarningGuard w;
    t.put("pids/pod/c1/cgroup.procs", "42\n43\n");
    auto m = make_manager(Config{"c1", std::string("/pod/c1")}, layout);
    CHECK_NOTHROW(m->create());
    REQUIRE(g_warnings.size() == 1);
    CHECK(g_warnings[0] == "container's cgroup is not empty: 2 process(es) found in " + t.path("pids/pod/c1"));
    m->destroy();
    CHECK(t.exists("pids/pod/c1/cgroup.procs"));
    g_warnings.clear();
    auto fresh = make_manager(Config{"c2", std::string("/pod/c2")}, layout);
    fresh->create();  // made by us: empty, nothing read
    CHECK(g_warnings.empty());
    fresh->destroy();
}

TEST_CASE("v1: destroy removes the cgroups made below the container's, deepest first") {
    Fixture f;
    for (auto& h : f.m->hierarchies()) {
        const std::string rel = h.path.substr(f.t.root().size() + 1);
        f.t.mkdir(rel + "/sub/deeper");
        f.t.mkdir(rel + "/sub2");
    }
    f.t.put("pids/crun-lite-test/c1/sub/deeper/cgroup.procs", "77\n");
    f.t.put("pids/crun-lite-test/c1/sub2/cgroup.procs", "78\n");
    // ps and kill --all see the processes below the container's cgroup.
    auto pids = f.m->pids();
    std::sort(pids.begin(), pids.end());
    CHECK(pids == std::vector<pid_t>{77, 78});
    // As if the kernel's files vanished with the cgroups.
    for (auto& h : f.m->hierarchies()) f.t.clear_files(h.path.substr(f.t.root().size() + 1));
    f.t.clear_files("unified/crun-lite-test");
    f.m->destroy();
    CHECK_FALSE(f.t.exists("memory/crun-lite-test"));
    CHECK_FALSE(f.t.exists("pids/crun-lite-test"));
    CHECK_FALSE(f.t.exists("unified/crun-lite-test"));
}

TEST_CASE("v1: below a cgroup we did not make, nothing is removed") {
    fake::Tree t;
    auto layout = fake_layout(t);
    t.mkdir("memory/pod/c1/theirs");
    auto m = make_manager(Config{"c1", std::string("/pod/c1")}, layout);
    m->create();
    m->destroy();
    CHECK(t.exists("memory/pod/c1/theirs"));
    CHECK_FALSE(t.exists("cpu,cpuacct/pod"));
}

TEST_CASE("v1: devices: a new cgroup starts from the reset, an update moves from devices.list") {
    Fixture f;
    oci::Resources r;
    r.devices = {dev_rule(false, "a", std::nullopt, std::nullopt, "rwm"), dev_rule(true, "c", 1, 3, "rwm"),
                 dev_rule(true, "c", 240, 0, "rw")};
    {
        LogGuard g;
        f.m->apply(r);  // create() made it: no devices.list read (the fake has none)
        CHECK(files_written(g.log, "devices.deny") == std::vector<std::string>{"a *:* rwm"});
        CHECK(files_written(g.log, "devices.allow") == std::vector<std::string>{"c 1:3 rwm", "c 240:0 rw"});
    }
    // A later command (update) reads what the cgroup holds and changes only that.
    f.t.put("devices/crun-lite-test/c1/devices.list", "c 1:3 rwm\nc 240:0 rw\nc 240:1 rw\n");
    auto later = load_manager(f.m->save());
    LogGuard g;
    later->apply(r);
    CHECK(files_written(g.log, "devices.deny") == std::vector<std::string>{"c 240:1 rw"});
    CHECK(files_written(g.log, "devices.allow").empty());
    // A rule list without "allow all" never writes it.
    r.devices = {dev_rule(true, "c", 1, 3, "rwm")};
    f.t.put("devices/crun-lite-test/c1/devices.list", "a *:* rwm\n");
    g.log.clear();
    later->apply(r);
    CHECK(files_written(g.log, "devices.deny") == std::vector<std::string>{"a *:* rwm"});
    CHECK(files_written(g.log, "devices.allow") == std::vector<std::string>{"c 1:3 rwm"});
}

TEST_CASE("v1: freeze, pids, kill and stats read the right files") {
    Fixture f;
    f.m->freeze();  // a regular file reads back what was written: FROZEN
    CHECK(f.t.get("freezer/crun-lite-test/c1/freezer.state") == "FROZEN");
    CHECK(f.m->frozen());
    f.m->thaw();
    CHECK_FALSE(f.m->frozen());

    f.t.put("pids/crun-lite-test/c1/cgroup.procs", "12\n34\n");
    CHECK(f.m->pids() == std::vector<pid_t>{12, 34});

    f.m->kill_all(SIGKILL);  // the unified dir has cgroup.kill
    CHECK(f.t.get("unified/crun-lite-test/c1/cgroup.kill") == "1");

    const std::string mem = "memory/crun-lite-test/c1/";
    f.t.put(mem + "memory.usage_in_bytes", "4096\n");
    f.t.put(mem + "memory.max_usage_in_bytes", "8192\n");
    f.t.put(mem + "memory.limit_in_bytes", "67108864\n");
    f.t.put(mem + "memory.failcnt", "2\n");
    f.t.put(mem + "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    f.t.put("pids/crun-lite-test/c1/pids.current", "3\n");
    f.t.put("pids/crun-lite-test/c1/pids.max", "10\n");
    f.t.put("cpu,cpuacct/crun-lite-test/c1/cpuacct.usage", "123456789\n");
    f.t.put("cpu,cpuacct/crun-lite-test/c1/cpuacct.stat", "user 5\nsystem 2\n");
    auto s = f.m->stats();
    CHECK(s.memory_usage == 4096);
    CHECK(s.memory_max_usage == 8192);
    CHECK(s.memory_limit == 67108864);
    CHECK(s.memory_failcnt == 2);
    CHECK(s.oom_kills == 1);
    CHECK(s.pids_current == 3);
    CHECK(s.pids_limit == 10);
    CHECK(s.cpu_usage_ns == 123456789);
    const uint64_t tick = 1000000000ULL / static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
    CHECK(s.cpu_user_ns == 5 * tick);
    CHECK(s.cpu_system_ns == 2 * tick);
}

TEST_CASE("v1: save/load keeps the paths, destroy removes exactly what create made") {
    fake::Tree t;
    auto layout = fake_layout(t);
    t.mkdir("memory/existing");  // pre-existing parent in one hierarchy
    auto m = make_manager(Config{"c1", std::string("/existing/c1")}, layout);
    m->create();
    CHECK(m->clone_into_fd() >= 0);  // the unified part of the hybrid layout
    auto saved = m->save();
    auto loaded = load_manager(saved);
    CHECK(loaded->save() == saved);
    CHECK(loaded->hierarchies().size() == m->hierarchies().size());
    loaded->destroy();
    CHECK_FALSE(t.exists("memory/existing/c1"));
    CHECK(t.exists("memory/existing"));      // not ours
    CHECK_FALSE(t.exists("cpu,cpuacct/existing"));  // ours
    CHECK_FALSE(t.exists("unified/existing"));
    loaded->destroy();  // already gone: fine
    CHECK_THROWS_AS(load_manager("{\"kind\":\"v3\"}"), common::Error);
    CHECK_THROWS_AS(load_manager("not json"), common::Error);
}

TEST_CASE("v1: a failing create leaves nothing behind") {
    fake::Tree t;
    auto layout = fake_layout(t);
    // A regular file where a hierarchy's directory should go: mkdir fails.
    t.put("pids/crun-lite-test", "");
    auto m = make_manager(Config{"c1", std::string("/crun-lite-test/c1")}, layout);
    CHECK_THROWS_AS(m->create(), common::Error);
    CHECK_FALSE(t.exists("memory/crun-lite-test"));
    CHECK_FALSE(t.exists("cpu,cpuacct/crun-lite-test"));
}
