// Documents oci/ writes: state, features, the default spec.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "oci/default_spec.hpp"
#include "oci/features.hpp"
#include "oci/parse.hpp"
#include "oci/state.hpp"
#include "oci/version.hpp"

using nlohmann::json;

TEST_CASE("state: runc's shape and member order") {
    oci::State s;
    s.ociVersion = oci::kSpecVersion;
    s.id = "c1";
    s.status = oci::Status::running;
    s.pid = 4242;
    s.bundle = "/b";
    s.rootfs = "/b/rootfs";
    s.created = "2024-01-02T03:04:05.123456789Z";
    s.owner = "";
    const std::string text = oci::to_json(s);
    CHECK(text ==
          "{\n"
          "  \"ociVersion\": \"1.3.0\",\n"
          "  \"id\": \"c1\",\n"
          "  \"pid\": 4242,\n"
          "  \"status\": \"running\",\n"
          "  \"bundle\": \"/b\",\n"
          "  \"rootfs\": \"/b/rootfs\",\n"
          "  \"created\": \"2024-01-02T03:04:05.123456789Z\",\n"
          "  \"owner\": \"\"\n"
          "}");

    s.status = oci::Status::stopped;
    s.pid = 0;
    s.annotations["org.example"] = "v";
    const json j = json::parse(oci::to_json(s));
    CHECK(j.at("pid") == 0);
    CHECK(j.at("status") == "stopped");
    CHECK(j.at("annotations").at("org.example") == "v");
}

TEST_CASE("status names") {
    CHECK(std::string(oci::to_string(oci::Status::creating)) == "creating");
    CHECK(std::string(oci::to_string(oci::Status::created)) == "created");
    CHECK(std::string(oci::to_string(oci::Status::running)) == "running");
    CHECK(std::string(oci::to_string(oci::Status::stopped)) == "stopped");
    CHECK(std::string(oci::to_string(oci::Status::paused)) == "paused");
}

TEST_CASE("namespace names and lookup") {
    CHECK(std::string(oci::to_string(oci::NamespaceType::network)) == "network");
    CHECK(std::string(oci::to_string(oci::NamespaceType::mount)) == "mount");
    CHECK(std::string(oci::to_string(oci::NamespaceType::time)) == "time");
    oci::Linux l;
    l.namespaces.push_back({oci::NamespaceType::pid, ""});
    l.namespaces.push_back({oci::NamespaceType::network, "/var/run/netns/a"});
    REQUIRE(oci::find_namespace(l, oci::NamespaceType::network) != nullptr);
    CHECK(oci::find_namespace(l, oci::NamespaceType::network)->path == "/var/run/netns/a");
    CHECK(oci::find_namespace(l, oci::NamespaceType::user) == nullptr);
}

TEST_CASE("features document") {
    oci::Features f = oci::default_features();
    f.linux.cgroup.v2 = true;
    f.linux.seccomp.enabled = true;
    f.linux.seccomp.supportedFlags = {"SECCOMP_FILTER_FLAG_LOG"};
    f.annotations["org.opencontainers.runc.checkpoint.enabled"] = "false";
    const json j = json::parse(oci::to_json(f));
    CHECK(j.at("ociVersionMin") == "1.0.0");
    CHECK(j.at("ociVersionMax") == oci::kSpecVersion);
    CHECK(j.at("hooks").size() == 6);
    CHECK(j.at("mountOptions").size() > 50);
    CHECK(j.at("linux").at("namespaces").size() == 8);
    CHECK(j.at("linux").at("capabilities").size() == 41);
    CHECK(j.at("linux").at("capabilities").back() == "CAP_CHECKPOINT_RESTORE");
    CHECK(j.at("linux").at("cgroup").at("v2") == true);
    CHECK(j.at("linux").at("cgroup").at("v1") == false);
    CHECK(j.at("linux").at("seccomp").at("actions").size() == 9);
    CHECK(j.at("linux").at("seccomp").at("supportedFlags") == json{"SECCOMP_FILTER_FLAG_LOG"});
    CHECK(j.at("linux").at("mountExtensions").at("idmap").at("enabled") == false);
    CHECK(j.at("linux").at("intelRdt").at("enabled") == false);
    CHECK(j.at("annotations").size() == 1);

    f.linux.seccomp.enabled = false;
    const json off = json::parse(oci::to_json(f));
    CHECK(off.at("linux").at("seccomp") == json{{"enabled", false}});
}

TEST_CASE("default spec: runc's example, parseable") {
    const std::string text = oci::default_spec_json(false);
    CHECK(text.find("\n\t\"process\": {") != std::string::npos);  // tab-indented like runc
    const oci::Spec spec = oci::parse_spec(text);
    CHECK(spec.ociVersion == oci::kSpecVersion);
    CHECK(spec.hostname == "crun-lite");
    CHECK(spec.root.path == "rootfs");
    CHECK(spec.root.readonly);
    CHECK(spec.process->args == std::vector<std::string>{"sh"});
    CHECK(spec.process->terminal);
    CHECK(spec.process->noNewPrivileges);
    CHECK(spec.process->capabilities->bounding.size() == 3);
    CHECK(spec.process->capabilities->inheritable.empty());
    CHECK(spec.process->capabilities->ambient.empty());
    CHECK(spec.process->rlimits[0].type == "RLIMIT_NOFILE");
    CHECK(spec.mounts.size() == 7);
    CHECK(spec.mounts[2].options.back() == "gid=5");
    CHECK(spec.mounts[5].type == "sysfs");
    const auto& l = *spec.linux;
    CHECK(oci::find_namespace(l, oci::NamespaceType::network));
    CHECK(!oci::find_namespace(l, oci::NamespaceType::user));
    CHECK(!oci::find_namespace(l, oci::NamespaceType::cgroup));
    CHECK(l.resources->devices.size() == 1);
    CHECK(!l.resources->devices[0].allow);
    CHECK(l.maskedPaths.size() == 11);
    CHECK(l.readonlyPaths.size() == 5);
    REQUIRE(l.seccomp);  // the default profile (oci/default_seccomp.cpp)
    CHECK(l.seccomp->defaultAction == "SCMP_ACT_ERRNO");
    CHECK(l.seccomp->defaultErrnoRet == 38u);  // ENOSYS: unknown syscalls look unimplemented
    CHECK(!l.seccomp->syscalls.empty());

    oci::DefaultSpecOptions o;
    o.cgroup_namespace = true;
    CHECK(oci::find_namespace(*oci::parse_spec(oci::default_spec_json(o)).linux, oci::NamespaceType::cgroup));
}

TEST_CASE("default spec: rootless") {
    oci::DefaultSpecOptions o;
    o.rootless = true;
    o.host_uid = 1000;
    o.host_gid = 1001;
    const oci::Spec spec = oci::parse_spec(oci::default_spec_json(o));
    const auto& l = *spec.linux;
    CHECK(oci::find_namespace(l, oci::NamespaceType::user));
    CHECK(!oci::find_namespace(l, oci::NamespaceType::network));
    REQUIRE(l.uidMappings.size() == 1);
    CHECK(l.uidMappings[0].containerID == 0);
    CHECK(l.uidMappings[0].hostID == 1000);
    CHECK(l.uidMappings[0].size == 1);
    CHECK(l.gidMappings[0].hostID == 1001);
    CHECK(!l.resources);
    CHECK(spec.mounts[5].destination == "/sys");
    CHECK(spec.mounts[5].source == "/sys");
    CHECK(spec.mounts[5].options == std::vector<std::string>{"rbind", "nosuid", "noexec", "nodev", "ro"});
    for (const auto& m : spec.mounts) {
        for (const auto& opt : m.options) CHECK(opt.rfind("gid=", 0) != 0);
    }
}
