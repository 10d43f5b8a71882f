// The cgroup managers on the real kernel of a v1/hybrid host (root needed):
// every cgroup and process a test makes is removed by a guard, also when an
// assertion fails.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cgroups/device_rules.hpp"
#include "cgroups/dirs.hpp"
#include "cgroups/manager.hpp"
#include "cgroups/paths.hpp"
#include "cgroups/v2_devices.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "common/unique_fd.hpp"

using namespace cgroups;

namespace {

bool hybrid_host_as_root() {
    return ::geteuid() == 0 && ::access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0 &&
           ::access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0;
}

std::string random_suffix() {
    unsigned char b[6];
    auto fd = common::open_or_throw("/dev/urandom", O_RDONLY);
    REQUIRE(::read(fd.get(), b, sizeof b) == static_cast<ssize_t>(sizeof b));
    static const char hex[] = "0123456789abcdef";
    std::string s;
    for (unsigned char c : b) {
        s += hex[c >> 4];
        s += hex[c & 15];
    }
    return s;
}

bool exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

struct Pipe {
    common::UniqueFd r, w;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        r.reset(fds[0]);
        w.reset(fds[1]);
    }
};

// Whatever happens in the test, at scope exit: thaw, kill and reap the
// children, then remove the cgroup (the manager's own destroy first, a
// plain rmdir of its directories as the last resort).
struct Cleanup {
    Manager* manager = nullptr;
    std::vector<std::string> dirs;  // deepest last
    std::vector<pid_t> children;
    ~Cleanup() {
        if (manager) {
            try {
                manager->thaw();
            } catch (...) {
            }
            try {
                manager->kill_all(SIGKILL);
            } catch (...) {
            }
        }
        for (pid_t pid : children) {
            if (pid <= 0) continue;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (manager) {
            try {
                manager->destroy();
            } catch (...) {
            }
        }
        for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
    }
};

// The child the kernel test puts in the cgroup. It obeys one-byte commands:
// 'w' works (CPU and memory) then answers 'k'; 'f' forks until the kernel
// refuses and answers {forks made, errno}; EOF exits.
[[noreturn]] void child_main(int cmd, int res) {
    // The test framework's crash handlers came along with fork(): a
    // signalled child must die of the signal, not report a test crash.
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    for (;;) {
        char c;
        ssize_t n = ::read(cmd, &c, 1);
        if (n <= 0) ::_exit(0);
        if (c == 'w') {
            const size_t size = 4 << 20;
            auto* p = static_cast<volatile char*>(::malloc(size));
            for (size_t i = 0; p && i < size; i += 4096) p[i] = 1;
            volatile uint64_t x = 0;
            for (uint64_t i = 0; i < 20000000; ++i) x = x + i;
            (void)::write(res, "k", 1);
        } else if (c == 'f') {
            int gp[2];
            if (::pipe(gp) < 0) ::_exit(2);
            int made = 0, err = 0;
            for (int i = 0; i < 20; ++i) {
                pid_t pid = ::fork();
                if (pid == 0) {
                    ::close(gp[1]);
                    char b;
                    (void)::read(gp[0], &b, 1);  // until the parent closes its end
                    ::_exit(0);
                }
                if (pid < 0) {
                    err = errno;
                    break;
                }
                ++made;
            }
            ::close(gp[1]);
            ::close(gp[0]);
            for (int i = 0; i < made; ++i) ::wait(nullptr);
            int out[2] = {made, err};
            (void)::write(res, out, sizeof out);
        }
    }
}

oci::DeviceCgroupRule dev_rule(bool allow, std::string type, std::optional<int64_t> maj, std::optional<int64_t> min) {
    oci::DeviceCgroupRule r;
    r.allow = allow;
    r.type = std::move(type);
    r.major = maj;
    r.minor = min;
    r.access = "rwm";
    return r;
}

}  // namespace

TEST_CASE("kernel: an absolute cgroup with limits, a process, freeze, pids.max, kill, destroy") {
    if (!hybrid_host_as_root()) {
        MESSAGE("skipped: needs root on a v1/hybrid host");
        return;
    }
    const std::string top = "crun-lite-test";
    const std::string path = "/" + top + "/" + random_suffix();
    auto layout = host_layout();
    std::vector<std::string> top_existed;  // hierarchies where /crun-lite-test was already there
    for (auto& h : layout.v1)
        if (exists(h.mount_point + "/" + top)) top_existed.push_back(h.mount_point);

    auto manager = make_manager(Config{"kt", path});
    Cleanup cleanup;
    cleanup.manager = manager.get();
    for (auto& h : manager->hierarchies()) cleanup.dirs.push_back(h.path);
    manager->create();

    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 64 << 20;
    r.pids = oci::PidsResources{10};
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0";
    r.cpu->mems = "0";
    r.devices = {dev_rule(false, "a", std::nullopt, std::nullopt), dev_rule(true, "c", 1, 3)};
    manager->apply(r);

    std::string mem, pids, cpu, cpuset, devices, freezer;
    for (auto& h : manager->hierarchies()) {
        if (h.name == "memory") mem = h.path;
        if (h.name == "pids") pids = h.path;
        if (h.name == "cpu" || h.name == "cpu,cpuacct") cpu = h.path;
        if (h.name == "cpuset") cpuset = h.path;
        if (h.name == "devices") devices = h.path;
        if (h.name == "freezer") freezer = h.path;
        CHECK(h.path.size() > path.size());
        CHECK(h.path.compare(h.path.size() - path.size(), path.size(), path) == 0);
    }
    REQUIRE(!mem.empty());
    REQUIRE(!pids.empty());
    CHECK(trim(common::read_file(mem + "/memory.limit_in_bytes")) == "67108864");
    CHECK(trim(common::read_file(pids + "/pids.max")) == "10");
    CHECK(trim(common::read_file(cpu + "/cpu.shares")) == "512");
    CHECK(trim(common::read_file(cpu + "/cpu.cfs_quota_us")) == "50000");
    CHECK(trim(common::read_file(cpu + "/cpu.cfs_period_us")) == "100000");
    CHECK(trim(common::read_file(cpuset + "/cpuset.cpus")) == "0");
    CHECK(trim(common::read_file(devices + "/devices.list")) == "c 1:3 rwm");

    Pipe cmd, res;
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(cmd.w.get());
        ::close(res.r.get());
        child_main(cmd.r.get(), res.w.get());
    }
    cleanup.children.push_back(child);
    cmd.r.reset();
    res.w.reset();

    manager->add_process(child);
    for (auto& h : manager->hierarchies()) {
        auto members = read_pids(h.path);
        INFO("hierarchy " << h.name);
        CHECK(std::find(members.begin(), members.end(), child) != members.end());
    }
    CHECK(manager->pids() == std::vector<pid_t>{child});

    char ack = 0;
    REQUIRE(::write(cmd.w.get(), "w", 1) == 1);
    REQUIRE(::read(res.r.get(), &ack, 1) == 1);
    auto s = manager->stats();
    CHECK(s.memory_usage > 0);
    CHECK(s.memory_max_usage >= s.memory_usage);
    CHECK(s.memory_limit == 64u << 20);
    CHECK(s.pids_current == 1);
    CHECK(s.pids_limit == 10);
    CHECK(s.cpu_usage_ns > 0);

    // A later command reopens the same cgroup from the saved state.
    auto later = load_manager(manager->save());
    later->freeze();
    CHECK(later->frozen());
    CHECK(trim(common::read_file(freezer + "/freezer.state")) == "FROZEN");
    later->thaw();
    CHECK_FALSE(later->frozen());

    int forks[2] = {-1, -1};
    REQUIRE(::write(cmd.w.get(), "f", 1) == 1);
    REQUIRE(::read(res.r.get(), forks, sizeof forks) == static_cast<ssize_t>(sizeof forks));
    CHECK(forks[0] == 9);  // the child itself is the tenth task
    CHECK(forks[1] == EAGAIN);

    later->kill_all(SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    cleanup.children.clear();
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    later->destroy();
    for (auto& h : manager->hierarchies()) {
        INFO("hierarchy " << h.name);
        CHECK_FALSE(exists(h.path));
    }
    for (auto& h : layout.v1)
        if (std::find(top_existed.begin(), top_existed.end(), h.mount_point) == top_existed.end())
            CHECK_FALSE(exists(h.mount_point + "/" + top));
}

TEST_CASE("kernel: relative and absent paths nest under the caller's own cgroup") {
    if (!hybrid_host_as_root()) {
        MESSAGE("skipped: needs root on a v1/hybrid host");
        return;
    }
    auto layout = host_layout();
    const std::string name = "crun-lite-test-rel-" + random_suffix();
    for (std::optional<std::string> cg : {std::optional<std::string>(name), std::optional<std::string>()}) {
        const std::string id = "kt-" + random_suffix();
        const std::string rel = cg ? "/" + *cg : "/crun-lite/" + id;
        auto manager = make_manager(Config{id, cg});
        Cleanup cleanup;
        cleanup.manager = manager.get();
        for (auto& h : manager->hierarchies()) cleanup.dirs.push_back(h.path);
        for (auto& h : layout.v1) {
            // The own cgroup per hierarchy, from /proc/self/cgroup.
            const std::string want = h.mount_point + (h.own == "/" ? "" : h.own) + rel;
            auto hs = manager->hierarchies();
            CHECK(std::any_of(hs.begin(), hs.end(), [&](const Hierarchy& x) { return x.path == want; }));
        }
        manager->create();
        oci::Resources r;
        r.pids = oci::PidsResources{5};
        manager->apply(r);

        Pipe cmd, res;
        pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(cmd.w.get());
            ::close(res.r.get());
            child_main(cmd.r.get(), res.w.get());
        }
        cleanup.children.push_back(child);
        manager->add_process(child);
        CHECK(manager->pids() == std::vector<pid_t>{child});
        manager->kill_all(SIGTERM);  // no cgroup.kill for SIGTERM: freeze, signal, thaw
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        cleanup.children.clear();
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGTERM);
        manager->destroy();
        for (auto& h : manager->hierarchies()) CHECK_FALSE(exists(h.path));
        if (!cg) {
            // crun-lite/ was made by create() in hierarchies where it was new.
            for (auto& h : layout.v1) {
                const std::string parent = h.mount_point + (h.own == "/" ? "" : h.own) + "/crun-lite";
                struct stat st;
                if (::stat(parent.c_str(), &st) == 0) MESSAGE("left alone (pre-existing): " << parent);
            }
        }
    }
}

TEST_CASE("kernel: the v2 eBPF device filter on the unified hierarchy denies and is replaced") {
    if (!hybrid_host_as_root()) {
        MESSAGE("skipped: needs root on a v1/hybrid host");
        return;
    }
    const std::string dir = "/sys/fs/cgroup/unified/crun-lite-test-bpf-" + random_suffix();
    char tmpl[] = "/tmp/crunlite-dev-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::string tmp = tmpl;
    struct Guard {
        std::string dir, tmp;
        std::vector<pid_t> children;
        ~Guard() {
            for (pid_t pid : children) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
            }
            ::rmdir(dir.c_str());
            std::error_code ec;
            std::filesystem::remove_all(tmp, ec);
        }
    } guard{dir, tmp, {}};
    REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
    // Device nodes made outside the cgroup, so only the open is filtered.
    REQUIRE(::mknod((tmp + "/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)) == 0);
    REQUIRE(::mknod((tmp + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);

    auto dir_fd = common::open_or_throw(dir, O_RDONLY | O_DIRECTORY);
    // Runs a child in the cgroup; returns {errno of open(zero), of open(null), of mknod}.
    auto probe = [&]() {
        Pipe go, res;
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            char c;
            if (::read(go.r.get(), &c, 1) != 1) ::_exit(3);
            int out[3];
            int fd = ::open((tmp + "/zero").c_str(), O_RDONLY | O_CLOEXEC);
            out[0] = fd < 0 ? errno : 0;
            fd = ::open((tmp + "/null").c_str(), O_RDWR | O_CLOEXEC);
            out[1] = fd < 0 ? errno : 0;
            out[2] = ::mknod((tmp + "/zero2").c_str(), S_IFCHR | 0666, makedev(1, 5)) < 0 ? errno : 0;
            (void)::write(res.w.get(), out, sizeof out);
            ::_exit(0);
        }
        guard.children.push_back(pid);
        write_pid(dir, pid);
        REQUIRE(::write(go.w.get(), "g", 1) == 1);
        std::vector<int> out(3, -1);
        res.w.reset();
        REQUIRE(::read(res.r.get(), out.data(), 3 * sizeof(int)) == static_cast<ssize_t>(3 * sizeof(int)));
        REQUIRE(::waitpid(pid, nullptr, 0) == pid);
        guard.children.pop_back();
        ::unlink((tmp + "/zero2").c_str());
        return out;
    };

    attach_device_filter(dir_fd.get(), dir,
                         make_device_filter({dev_rule(false, "a", std::nullopt, std::nullopt), dev_rule(true, "c", 1, 3)}));
    auto denied = probe();
    CHECK(denied[0] == EPERM);  // /dev/zero's numbers: denied
    CHECK(denied[1] == 0);      // /dev/null's: allowed
    CHECK(denied[2] == EPERM);  // mknod is filtered too

    // An update replaces the filter rather than stacking a second one
    // (stacked programs are ANDed: zero would stay denied).
    attach_device_filter(dir_fd.get(), dir, make_device_filter({dev_rule(true, "a", std::nullopt, std::nullopt)}));
    auto allowed = probe();
    CHECK(allowed[0] == 0);
    CHECK(allowed[1] == 0);
    CHECK(allowed[2] == 0);
}
