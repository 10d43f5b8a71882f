// A runtime call that hangs is killed at its bound and comes back as
// RuntimeTimeout (DeadlineExceeded to containerd), instead of stalling the
// shim's one thread forever; a call that finishes in time is untouched.
#include <doctest/doctest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "common/file.hpp"
#include "shim/service/bounded_wait.hpp"
#include "shim/service/runtime_cli.hpp"

namespace {

struct FakeRuntime {
    std::string dir, binary;
    explicit FakeRuntime(const std::string& script) {
        char tmpl[] = "/tmp/shim-timeout.XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        binary = dir + "/fake-runtime";
        common::write_file_atomic(binary, "#!/bin/sh\n" + script + "\n", 0755);
    }
    ~FakeRuntime() { REQUIRE(system(("rm -rf " + dir).c_str()) == 0); }
};

struct BoundEnv {
    explicit BoundEnv(const char* ms) { setenv("CRUNLITE_SHIM_RUNTIME_TIMEOUT_MS", ms, 1); }
    ~BoundEnv() { unsetenv("CRUNLITE_SHIM_RUNTIME_TIMEOUT_MS"); }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("runtime timeout: the bound comes from the environment, 30 s by default") {
    CHECK(shim::runtime_call_bound() == std::chrono::seconds(30));
    BoundEnv env("250");
    CHECK(shim::runtime_call_bound() == std::chrono::milliseconds(250));
}

TEST_CASE("runtime timeout: a hung call is killed at its bound") {
    BoundEnv env("300");
    // exec: the sleep is the child itself, so the kill ends it (no orphan).
    FakeRuntime fake("exec sleep 30");
    shim::RuntimeCli runtime(fake.binary, fake.dir + "/root", fake.dir + "/log.json", false);
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(runtime.start("c1"), shim::RuntimeTimeout);
    CHECK(seconds_since(started) < 5);
    // Output capture has the same bound (ps reads the runtime's stdout).
    const auto again = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(runtime.ps("c1"), shim::RuntimeTimeout);
    CHECK(seconds_since(again) < 5);
}

TEST_CASE("runtime timeout: a call that answers in time keeps its output and status") {
    BoundEnv env("5000");
    FakeRuntime fake("echo '[12, 34]'");
    shim::RuntimeCli runtime(fake.binary, fake.dir + "/root", fake.dir + "/log.json", false);
    const auto pids = runtime.ps("c1");
    REQUIRE(pids.size() == 2);
    CHECK(pids[0] == 12);
    CHECK(pids[1] == 34);
    FakeRuntime failing("exit 3");
    shim::RuntimeCli broken(failing.binary, failing.dir + "/root", failing.dir + "/log.json", false);
    CHECK_THROWS_AS(broken.start("c1"), shim::RuntimeError);
}
