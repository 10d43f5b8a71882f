// The runtime-spec's own schema test configs (shared/oci-runtime-spec).
// Good files must parse; where a good file breaks a rule this runtime
// enforces on purpose beyond the schema, the test says which and why, and
// checks that the file parses once that one thing is fixed.
#include <algorithm>
#include <filesystem>
#include <map>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kSchemaTests = std::string(CRUNLITE_OCI_SPEC_DIR) + "/schema/test/config";

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("schema good configs parse") {
    REQUIRE_MESSAGE(fs::is_directory(kSchemaTests), "runtime-spec checkout not found at " << kSchemaTests);
    const auto files = files_in(kSchemaTests + "/good");
    REQUIRE(files.size() >= 5);
    for (const auto& file : files) {
        CAPTURE(file);
        auto config = nlohmann::json::parse(oci_test::slurp(kSchemaTests + "/good/" + file));
        if (file == "spec-example.json") {
            // Its ociVersion is "0.5.0-dev": this runtime reads 1.x.y only
            // (the spec's compatibility promise is per major version).
            CHECK_REFUSED(config, "ociVersion: unsupported version \"0.5.0-dev\"");
            config["ociVersion"] = "1.0.0";
        } else if (file == "linux-netdevice.json") {
            // Schema-valid but not runnable: devices can only be moved into
            // a network namespace of the container's own (runc refuses too).
            CHECK_REFUSED(config, "linux.netDevices: requires a network namespace");
            config["linux"]["namespaces"] = nlohmann::json::array({{{"type", "network"}}});
        }
        CHECK(oci_test::parse_error(config) == "");
    }
}

TEST_CASE("schema bad configs are refused") {
    REQUIRE_MESSAGE(fs::is_directory(kSchemaTests), "runtime-spec checkout not found at " << kSchemaTests);
    // Every schema rule these files break is one the parser enforces.
    const std::map<std::string, std::string> expected = {
        {"invalid-json.json", "config.json: invalid JSON: line 1, column 2"},
        {"linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize: \"64kB\" is not a page size"},
        {"linux-netdevice.json", "linux.netDevices.eth0.name: must be a string"},
        {"linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles: must be an unsigned 32-bit integer"},
    };
    const auto files = files_in(kSchemaTests + "/bad");
    REQUIRE(!files.empty());
    for (const auto& file : files) {
        CAPTURE(file);
        const auto it = expected.find(file);
        REQUIRE_MESSAGE(it != expected.end(), "new bad schema test file, decide how it is refused: " << file);
        CHECK_REFUSED(oci_test::slurp(kSchemaTests + "/bad/" + file), it->second);
    }
}

TEST_CASE("spec-example values land in the right members") {
    auto config = nlohmann::json::parse(oci_test::slurp(kSchemaTests + "/good/spec-example.json"));
    config["ociVersion"] = "1.0.0";
    const oci::Spec spec = oci::parse_spec(config.dump());
    REQUIRE(spec.process);
    CHECK(spec.process->user.uid == 1);
    CHECK(spec.process->user.additionalGids == std::vector<uint32_t>{5, 6});
    CHECK(spec.process->capabilities->ambient == std::vector<std::string>{"CAP_NET_BIND_SERVICE"});
    CHECK(spec.process->rlimits.size() == 2);
    CHECK(spec.root.readonly);
    CHECK(spec.domainname == "foobarbaz.test");
    CHECK(spec.mounts.size() == 7);
    CHECK(spec.mounts[2].options.back() == "gid=5");
    REQUIRE(spec.hooks);
    CHECK(spec.hooks->prestart.size() == 2);
    CHECK(spec.hooks->poststart[0].timeout == 5);
    CHECK(spec.annotations.at("com.example.key2") == "value2");
    REQUIRE(spec.linux);
    const auto& l = *spec.linux;
    CHECK(l.devices[1].type == "b");
    CHECK(l.devices[0].fileMode == 438u);
    CHECK(l.uidMappings[0].hostID == 1000);
    CHECK(l.sysctl.at("net.core.somaxconn") == "256");
    CHECK(l.cgroupsPath == "/myRuntime/myContainer");
    CHECK(l.rootfsPropagation == "slave");
    CHECK(l.timeOffsets.at("boottime").secs == 604800);
    CHECK(l.namespaces.size() == 8);
    CHECK(l.mountLabel.find("svirt_sandbox_file_t") != std::string::npos);
    REQUIRE(l.resources);
    const auto& r = *l.resources;
    CHECK(r.network->classID == 1048577u);
    CHECK(r.network->priorities[1].priority == 1000u);
    CHECK(r.pids->limit == 32771);
    CHECK(r.hugepageLimits[1].pageSize == "64KB");
    CHECK(r.memory->kernel == -1);
    CHECK(r.memory->swappiness == 0u);
    CHECK(r.memory->disableOOMKiller == false);
    CHECK(r.cpu->quota == 1000000);
    CHECK(r.cpu->cpus == "2-3");
    CHECK(r.devices[1].major == 10);
    CHECK(!r.devices[0].major);
    CHECK(r.blockIO->weightDevice[1].weight == 500);
    CHECK(!r.blockIO->weightDevice[1].leafWeight);
    CHECK(r.blockIO->throttleWriteIOPSDevice[0].rate == 300u);
    REQUIRE(l.seccomp);
    CHECK(l.seccomp->architectures == std::vector<std::string>{"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
    CHECK(l.seccomp->syscalls[0].names == std::vector<std::string>{"getcwd", "chmod"});
}
