#include <doctest/doctest.h>

#include "cgroups/paths.hpp"
#include "common/error.hpp"

using namespace cgroups;

namespace {
// This project's host: v1 controllers, name=systemd, and cgroup2 at unified.
const char* kHybridMountinfo =
    "23 1 253:0 / / rw,relatime - ext4 /dev/vda rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
const char* kHybridProc =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
    "4:memory:/process_api/4b71\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";

const V1Hierarchy* find(const Layout& l, const std::string& name) {
    for (auto& h : l.v1)
        if (h.name == name) return &h;
    return nullptr;
}
}  // namespace

TEST_CASE("mountinfo lines parse, optional fields and escapes included") {
    auto m = parse_mountinfo(
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 master:2 - cgroup2 cgroup2 rw,nsdelegate\n"
        "50 31 0:40 /sub /mnt/with\\040space rw - cgroup cgroup rw,cpu,cpuacct\n"
        "garbage\n");
    REQUIRE(m.size() == 2);
    CHECK(m[0].mount_point == "/sys/fs/cgroup/unified");
    CHECK(m[0].fstype == "cgroup2");
    CHECK(m[0].super_options == "rw,nsdelegate");
    CHECK(m[1].root == "/sub");
    CHECK(m[1].mount_point == "/mnt/with space");
}

TEST_CASE("/proc/self/cgroup lines parse, with ':' in paths") {
    auto p = parse_proc_cgroup("4:memory:/a:b\n0::/x\n");
    REQUIRE(p.size() == 2);
    CHECK(p[0].controllers == "memory");
    CHECK(p[0].path == "/a:b");
    CHECK(p[1].controllers == "");
    CHECK(p[1].path == "/x");
}

TEST_CASE("the hybrid host's layout") {
    auto l = layout_from(kHybridMountinfo, kHybridProc, "/sys/fs/cgroup");
    CHECK_FALSE(l.v2);
    CHECK(l.v1.size() == 9);
    REQUIRE(find(l, "memory"));
    CHECK(find(l, "memory")->own == "/process_api/4b71");
    CHECK(find(l, "cpu")->own == "/");
    CHECK(find(l, "systemd")->controllers == std::vector<std::string>{"name=systemd"});
    REQUIRE(l.unified);
    CHECK(l.unified->mount_point == "/sys/fs/cgroup/unified");
    CHECK(l.unified->own == "/");
}

TEST_CASE("co-mounted cpu,cpuacct is one hierarchy, mounts elsewhere are ignored") {
    auto l = layout_from(
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "33 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n"
        "34 31 0:32 / /mnt/memory rw - cgroup cgroup rw,memory\n",
        "2:cpu,cpuacct:/user.slice\n", "/sys/fs/cgroup");
    REQUIRE(l.v1.size() == 1);
    CHECK(l.v1[0].name == "cpu,cpuacct");
    CHECK(l.v1[0].controllers == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK(l.v1[0].own == "/user.slice");
    CHECK_FALSE(l.unified);
}

TEST_CASE("a pure v2 host, and a bind-mounted sub-tree") {
    auto l = layout_from("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/user.slice/x.scope\n",
                         "/sys/fs/cgroup");
    CHECK(l.v2);
    CHECK(l.v1.empty());
    REQUIRE(l.unified);
    CHECK(l.unified->own == "/user.slice/x.scope");

    auto sub = layout_from("30 23 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
                           "0::/docker/abc/inner\n", "/sys/fs/cgroup");
    CHECK(sub.unified->own == "/inner");
}

TEST_CASE("container paths: absolute, relative under the own cgroup, absent") {
    Config c{"web1", std::nullopt};
    CHECK(container_path(c, "/process_api/4b71") == "/process_api/4b71/crun-lite/web1");
    CHECK(container_path(c, "/") == "/crun-lite/web1");
    c.cgroups_path = "/machine/web1";
    CHECK(container_path(c, "/process_api/4b71") == "/machine/web1");
    c.cgroups_path = "pods//web1/";
    CHECK(container_path(c, "/process_api/4b71") == "/process_api/4b71/pods/web1");
    c.cgroups_path = "../escape";
    CHECK_THROWS_WITH_AS(container_path(c, "/own"), doctest::Contains("linux.cgroupsPath"), common::Error);
    c.cgroups_path = "/a/../../b";
    CHECK_THROWS_AS(container_path(c, "/"), common::Error);
    c.cgroups_path = "/";
    CHECK_THROWS_WITH_AS(container_path(c, "/"), doctest::Contains("root cgroup"), common::Error);
    Config bad{"a/b", std::nullopt};
    CHECK_THROWS_AS(container_path(bad, "/"), common::Error);
}
