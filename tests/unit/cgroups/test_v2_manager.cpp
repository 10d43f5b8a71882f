// The v2 manager against a fake cgroup2 root.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>

#include "cgroups/control_dir.hpp"
#include "cgroups/factory.hpp"
#include "cgroups/v2_manager.hpp"
#include "common/error.hpp"
#include "fake_tree.hpp"

using namespace cgroups;

namespace {
const char* kAll = "cpuset cpu io memory hugetlb pids rdma misc\n";

struct Fixture {
    fake::Tree t;
    std::vector<WriteRecord> log;
    std::unique_ptr<Manager> m;
    Fixture() {
        t.put("cgroup.controllers", kAll);
        t.put("cgroup.subtree_control", kAll);  // the host delegates everything
        Layout l;
        l.v2 = true;
        l.unified = UnifiedHierarchy{t.root(), "/user.slice"};
        t.mkdir("user.slice");
        // Parents are the host's here (the default as root would enable
        // controllers in them; see test_stats.cpp for the default).
        Config config{"c1", std::string("/crun-lite-test/c1")};
        config.enable_controllers_in_parents = false;
        m = make_manager(config, l);
        m->create();
        // What the kernel would show once the controllers are delegated.
        t.put("crun-lite-test/cgroup.controllers", kAll);
        t.put("crun-lite-test/cgroup.subtree_control", "");
        for (auto f : {"memory.max", "memory.swap.max", "memory.low", "memory.current", "cpu.weight", "cpu.max.burst",
                       "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max", "hugetlb.2MB.max",
                       "rdma.max", "memory.high", "cgroup.procs", "cgroup.freeze", "cgroup.kill"})
            t.put(std::string("crun-lite-test/c1/") + f);
        t.put("crun-lite-test/c1/cpu.max", "max 100000\n");
        record_writes(&log);
    }
    ~Fixture() { record_writes(nullptr); }
    std::string leaf(const std::string& f) const { return t.get("crun-lite-test/c1/" + f); }
    std::vector<std::string> writes_to(const std::string& rel) const {
        std::vector<std::string> out;
        for (auto& w : log)
            if (w.path == t.path(rel)) out.push_back(w.value);
        return out;
    }
};
}  // namespace

TEST_CASE("v2: the path, created dirs and hierarchies") {
    Fixture f;
    auto* v2 = dynamic_cast<V2Manager*>(f.m.get());
    REQUIRE(v2);
    CHECK(v2->path() == f.t.path("crun-lite-test/c1"));
    CHECK(v2->created() == std::vector<std::string>{f.t.path("crun-lite-test"), f.t.path("crun-lite-test/c1")});
    auto hs = f.m->hierarchies();
    REQUIRE(hs.size() == 1);
    CHECK(hs[0].name == "");
    CHECK(hs[0].unified);
    int fd = f.m->clone_into_fd();
    CHECK(fd >= 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(f.m->clone_into_fd() == fd);  // one fd, owned by the manager
}

TEST_CASE("v2: resources are converted and written, controllers enabled top-down") {
    Fixture f;
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 64 << 20;
    r.memory->swap = 96 << 20;
    r.memory->reservation = 16 << 20;
    r.memory->kernel = 1;
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->burst = 2000;
    r.cpu->idle = true;
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    r.pids = oci::PidsResources{-1};
    r.blockIO = oci::BlockIoResources{};
    r.blockIO->weight = 1000;
    r.blockIO->weightDevice.push_back({8, 0, 10, std::nullopt});
    r.blockIO->throttleReadBpsDevice = {{8, 0, 1000}};
    r.blockIO->throttleWriteBpsDevice = {{8, 0, 0}};
    r.blockIO->throttleReadIOPSDevice = {{8, 16, 5}};
    r.blockIO->throttleWriteIOPSDevice = {{8, 16, 6}};
    r.hugepageLimits = {{"2MB", 2097152}};
    r.rdma["mlx5_0"] = oci::RdmaLimit{3, 10};
    r.unified["memory.high"] = "50000000";
    f.m->apply(r);

    CHECK(f.leaf("memory.max") == "67108864");
    CHECK(f.leaf("memory.swap.max") == "33554432");  // 96 MiB memory+swap - 64 MiB
    CHECK(f.leaf("memory.low") == "16777216");
    CHECK(f.m->notes().size() == 1);
    CHECK(f.leaf("cpu.weight") == "100");
    CHECK(f.leaf("cpu.max") == "50000 100000");
    CHECK(f.leaf("cpu.max.burst") == "2000");
    CHECK(f.leaf("cpu.idle") == "1");
    CHECK(f.leaf("cpuset.cpus") == "0-1");
    CHECK(f.leaf("cpuset.mems") == "0");
    CHECK(f.leaf("pids.max") == "max");
    CHECK(f.writes_to("crun-lite-test/c1/io.weight") == std::vector<std::string>{"10000", "8:0 1"});
    CHECK(f.writes_to("crun-lite-test/c1/io.max") ==
          std::vector<std::string>{"8:0 rbps=1000", "8:0 wbps=max", "8:16 riops=5", "8:16 wiops=6"});
    CHECK(f.leaf("hugetlb.2MB.max") == "2097152");
    CHECK(f.leaf("rdma.max") == "mlx5_0 hca_handle=3 hca_object=10");
    CHECK(f.leaf("memory.high") == "50000000");
    // Enabled in the directory we made, never in the leaf; the host's root
    // already delegates.
    CHECK(f.writes_to("cgroup.subtree_control").empty());
    auto mid = f.writes_to("crun-lite-test/cgroup.subtree_control");
    CHECK(std::find(mid.begin(), mid.end(), "+cpuset") != mid.end());
    CHECK(f.writes_to("crun-lite-test/c1/cgroup.subtree_control").empty());
}

TEST_CASE("v2: bfq takes blkio's weights unconverted") {
    Fixture f;
    f.t.put("crun-lite-test/c1/io.bfq.weight");
    oci::Resources r;
    r.blockIO = oci::BlockIoResources{};
    r.blockIO->weight = 300;
    r.blockIO->weightDevice.push_back({8, 0, 200, std::nullopt});
    f.m->apply(r);
    CHECK(f.writes_to("crun-lite-test/c1/io.bfq.weight") == std::vector<std::string>{"300", "8:0 200"});
}

TEST_CASE("v2: a period alone keeps the quota in force") {
    Fixture f;
    f.t.put("crun-lite-test/c1/cpu.max", "30000 100000\n");
    oci::Resources r;
    r.cpu = oci::CpuResources{};
    r.cpu->period = 200000;
    f.m->apply(r);
    CHECK(f.leaf("cpu.max") == "30000 200000");
}

TEST_CASE("v2: what cgroup v2 cannot do is refused by name") {
    Fixture f;
    oci::Resources r;
    SUBCASE("realtime") {
        r.cpu = oci::CpuResources{};
        r.cpu->realtimeRuntime = 1000;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.cpu.realtimeRuntime"), common::Error);
    }
    SUBCASE("swappiness") {
        r.memory = oci::MemoryResources{};
        r.memory->swappiness = 0;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.memory.swappiness"), common::Error);
    }
    SUBCASE("kernelTCP") {
        r.memory = oci::MemoryResources{};
        r.memory->kernelTCP = 1;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.memory.kernelTCP"), common::Error);
    }
    SUBCASE("network") {
        r.network = oci::NetworkResources{};
        r.network->priorities = {{"eth0", 1}};
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.network.priorities"), common::Error);
    }
    SUBCASE("leaf weight") {
        r.blockIO = oci::BlockIoResources{};
        r.blockIO->leafWeight = 10;
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.blockIO.leafWeight"), common::Error);
    }
    SUBCASE("a controller the host does not offer") {
        f.t.put("cgroup.controllers", "cpu\n");
        f.t.put("cgroup.subtree_control", "cpu\n");
        r.pids = oci::PidsResources{5};
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("linux.resources.pids: not supported by this host"),
                             common::Error);
    }
    SUBCASE("a controller the host offers but has not delegated") {
        f.t.put("cgroup.subtree_control", "cpu\n");
        r.pids = oci::PidsResources{5};
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("not ours to change"), common::Error);
        CHECK(f.writes_to("cgroup.subtree_control").empty());
    }
    SUBCASE("unified keys that are paths or unknown files") {
        r.unified["../../etc/passwd"] = "x";
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("not a cgroup interface file"), common::Error);
        r.unified.clear();
        r.unified["cgroup.nonexistent"] = "1";
        CHECK_THROWS_WITH_AS(f.m->apply(r), doctest::Contains("no such file"), common::Error);
    }
    SUBCASE("swap without swap accounting") {
        std::filesystem::remove(f.t.path("crun-lite-test/c1/memory.swap.max"));
        r.memory = oci::MemoryResources{};
        r.memory->limit = 100;
        r.memory->swap = 200;
        CHECK_THROWS_WITH_AS(f.m->apply(r),
                             "linux.resources.memory.swap: not supported by this host (no memory.swap.max)",
                             common::Error);
    }
}

TEST_CASE("v2: freeze via cgroup.freeze and cgroup.events, kill via cgroup.kill, stats") {
    Fixture f;
    f.t.put("crun-lite-test/c1/cgroup.events", "populated 1\nfrozen 1\n");
    f.m->freeze();
    CHECK(f.leaf("cgroup.freeze") == "1");
    CHECK(f.m->frozen());
    f.m->kill_all(SIGKILL);
    CHECK(f.leaf("cgroup.kill") == "1");

    f.t.put("crun-lite-test/c1/cgroup.procs", "7\n");
    CHECK(f.m->pids() == std::vector<pid_t>{7});

    f.t.put("crun-lite-test/c1/memory.current", "1000\n");
    f.t.put("crun-lite-test/c1/memory.peak", "2000\n");
    f.t.put("crun-lite-test/c1/memory.max", "max\n");
    f.t.put("crun-lite-test/c1/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    f.t.put("crun-lite-test/c1/pids.current", "2\n");
    f.t.put("crun-lite-test/c1/pids.max", "10\n");
    f.t.put("crun-lite-test/c1/cpu.stat", "usage_usec 300\nuser_usec 200\nsystem_usec 100\n");
    auto s = f.m->stats();
    CHECK(s.memory_usage == 1000);
    CHECK(s.memory_max_usage == 2000);
    CHECK(s.memory_limit == 0);
    CHECK(s.memory_failcnt == 4);
    CHECK(s.oom_kills == 1);
    CHECK(s.pids_current == 2);
    CHECK(s.pids_limit == 10);
    CHECK(s.cpu_usage_ns == 300000);
    CHECK(s.cpu_user_ns == 200000);
    CHECK(s.cpu_system_ns == 100000);
}

TEST_CASE("v2: save/load and destroy of exactly the created dirs") {
    Fixture f;
    auto saved = f.m->save();
    auto loaded = load_manager(saved);
    CHECK(loaded->save() == saved);
    f.t.clear_files("crun-lite-test");  // the fake's control files block rmdir
    loaded->destroy();
    CHECK_FALSE(f.t.exists("crun-lite-test"));
    CHECK(f.t.exists("user.slice"));
}

TEST_CASE("v2: a relative path nests under the own cgroup") {
    fake::Tree t;
    t.mkdir("user.slice");
    V2Manager m(UnifiedHierarchy{t.root(), "/user.slice"}, Config{"c1", std::string("pod/c1")});
    CHECK(m.path() == t.path("user.slice/pod/c1"));
    m.create();
    CHECK(m.created() == std::vector<std::string>{t.path("user.slice/pod"), t.path("user.slice/pod/c1")});
    m.destroy();
    CHECK_FALSE(t.exists("user.slice/pod"));
    CHECK(t.exists("user.slice"));
}
