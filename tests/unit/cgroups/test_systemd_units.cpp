// The systemd driver's pure rules: where the unit goes and which unit
// properties carry linux.resources (runc's tables).
#include <doctest/doctest.h>

#include <algorithm>

#include "cgroups/systemd_props.hpp"
#include "cgroups/systemd_units.hpp"
#include "common/error.hpp"

using namespace cgroups::systemd;

namespace {

const Property* find(const Properties& props, const std::string& name) {
    auto it = std::find_if(props.rbegin(), props.rend(), [&](const Property& p) { return p.name == name; });
    return it == props.rend() ? nullptr : &*it;
}

template <typename T>
T value(const Properties& props, const std::string& name) {
    const Property* p = find(props, name);
    REQUIRE_MESSAGE(p, name);
    REQUIRE_MESSAGE(std::holds_alternative<T>(p->value), name);
    return std::get<T>(p->value);
}

std::string error_of(const std::optional<std::string>& path) {
    try {
        parse_cgroups_path(path, "id1", false);
    } catch (const common::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("slice:prefix:name gives prefix-name.scope in the slice") {
    Placement p = parse_cgroups_path(std::string("system.slice:runc:c1"), "id1", false);
    CHECK(p.slice == "system.slice");
    CHECK(p.unit == "runc-c1.scope");
    p = parse_cgroups_path(std::string("a-b.slice:ctr:c1"), "id1", false);
    CHECK(p.slice == "a-b.slice");
    CHECK(p.unit == "ctr-c1.scope");
}

TEST_CASE("the empty and default forms runc accepts") {
    // No path: the default slice, crun-lite-<id>.scope.
    Placement p = parse_cgroups_path(std::nullopt, "id1", false);
    CHECK(p.slice == "system.slice");
    CHECK(p.unit == "crun-lite-id1.scope");
    CHECK(parse_cgroups_path(std::nullopt, "id1", true).slice == "user.slice");
    CHECK(parse_cgroups_path(std::string(""), "id1", false).unit == "crun-lite-id1.scope");
    // An empty slice part: the default slice.
    p = parse_cgroups_path(std::string(":pfx:c1"), "id1", true);
    CHECK(p.slice == "user.slice");
    CHECK(p.unit == "pfx-c1.scope");
    CHECK(parse_cgroups_path(std::string("-.slice:pfx:c1"), "id1", false).slice == "-.slice");
}

TEST_CASE("malformed cgroupsPath values are refused naming the path") {
    for (const char* bad : {"c1", "a:b", "a:b:c:d", "/sys/fs/cgroup/x", "system.slice:runc:", "notaslice:p:n",
                            "a/b.slice:p:n", "a--b.slice:p:n", "-a.slice:p:n", "system.slice:p:x.slice",
                            "system.slice:p q:n", "system.slice:p:n@x"}) {
        const std::string err = error_of(std::string(bad));
        CHECK_MESSAGE(err.find(std::string("linux.cgroupsPath \"") + bad + "\"") != std::string::npos, bad,
                      " -> ", err);
    }
    CHECK(error_of(std::string("a/b.slice:p:n")).find("'/'") != std::string::npos);
}

TEST_CASE("slice names expand to their nested cgroup paths") {
    CHECK(expand_slice("system.slice") == "/system.slice");
    CHECK(expand_slice("a-b.slice") == "/a.slice/a-b.slice");
    CHECK(expand_slice("a-b-c.slice") == "/a.slice/a-b.slice/a-b-c.slice");
    CHECK(expand_slice("-.slice") == "");
    CHECK_THROWS_AS(expand_slice("a-.slice"), common::Error);
    CHECK_THROWS_AS(expand_slice("a.scope"), common::Error);
    CHECK(slice_chain("a-b.slice") == std::vector<std::string>{"a.slice", "a-b.slice"});
    CHECK(slice_chain("-.slice").empty());
}

TEST_CASE("cpu lists become systemd's little-endian CPU masks") {
    CHECK(cpu_mask("0", "f") == std::vector<uint8_t>{0x01});
    CHECK(cpu_mask("0-2,7", "f") == std::vector<uint8_t>{0x87});
    CHECK(cpu_mask("9", "f") == std::vector<uint8_t>{0x00, 0x02});
    CHECK_THROWS_AS(cpu_mask("3-1", "f"), common::Error);
    CHECK_THROWS_AS(cpu_mask("x", "f"), common::Error);
}

TEST_CASE("every unit is delegated and has no default dependencies") {
    Properties props = base_properties({"a-b.slice", "p-n.scope"}, true);
    CHECK(value<bool>(props, "Delegate"));
    CHECK(value<std::string>(props, "Slice") == "a-b.slice");
    CHECK_FALSE(value<bool>(props, "DefaultDependencies"));
    CHECK(find(props, "IOAccounting"));
    CHECK(find(base_properties({"a-b.slice", "p-n.scope"}, false), "BlockIOAccounting"));
}

TEST_CASE("resources become v2 unit properties") {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 67108864;
    r.memory->reservation = 1048576;
    r.memory->swap = 134217728;  // memory + swap, as v1 counts it
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0-1";
    r.pids = oci::PidsResources{100};
    std::vector<std::string> notes;
    Properties props = resource_properties(r, true, 252, notes);
    CHECK(value<uint64_t>(props, "MemoryMax") == 67108864);
    CHECK(value<uint64_t>(props, "MemoryLow") == 1048576);
    CHECK(value<uint64_t>(props, "MemorySwapMax") == 67108864);
    CHECK(value<uint64_t>(props, "CPUWeight") == 100);
    CHECK(value<uint64_t>(props, "CPUQuotaPerSecUSec") == 500000);
    CHECK(value<uint64_t>(props, "CPUQuotaPeriodUSec") == 100000);
    CHECK(value<std::vector<uint8_t>>(props, "AllowedCPUs") == std::vector<uint8_t>{0x03});
    CHECK(value<uint64_t>(props, "TasksMax") == 100);
    // An old systemd gets no property it would refuse.
    Properties old = resource_properties(r, true, 240, notes);
    CHECK_FALSE(find(old, "AllowedCPUs"));
    CHECK_FALSE(find(old, "CPUQuotaPeriodUSec"));
}

TEST_CASE("unlimited values are systemd's infinity") {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = -1;
    r.pids = oci::PidsResources{0};
    std::vector<std::string> notes;
    Properties props = resource_properties(r, true, 252, notes);
    CHECK(value<uint64_t>(props, "MemoryMax") == UINT64_MAX);
    CHECK(value<uint64_t>(props, "TasksMax") == UINT64_MAX);
}

TEST_CASE("a CPU quota is rounded up to whole percents, and the files follow") {
    oci::Resources r;
    r.cpu = oci::CpuResources{};
    r.cpu->quota = 12345;
    r.cpu->period = 100000;
    std::vector<std::string> notes;
    Properties props = resource_properties(r, true, 252, notes);
    CHECK(value<uint64_t>(props, "CPUQuotaPerSecUSec") == 130000);
    CHECK(r.cpu->quota == 13000);
}

TEST_CASE("v1 hosts get the v1 property names") {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 1048576;
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 512;
    std::vector<std::string> notes;
    Properties props = resource_properties(r, false, 252, notes);
    CHECK(value<uint64_t>(props, "MemoryLimit") == 1048576);
    CHECK(value<uint64_t>(props, "CPUShares") == 512);
    CHECK_FALSE(find(props, "MemoryMax"));
}

TEST_CASE("device rules: an allow list is DevicePolicy=strict with DeviceAllow") {
    std::vector<oci::DeviceCgroupRule> rules;
    rules.push_back({false, "a", std::nullopt, std::nullopt, "rwm"});
    rules.push_back({true, "c", 1, 3, "rwm"});
    rules.push_back({true, "c", 136, std::nullopt, "rw"});
    std::vector<std::string> notes;
    Properties props = device_properties(rules, notes);
    CHECK(value<std::string>(props, "DevicePolicy") == "strict");
    auto allow = value<std::vector<std::pair<std::string, std::string>>>(props, "DeviceAllow");
    CHECK(std::find(allow.begin(), allow.end(), std::make_pair(std::string("/dev/char/1:3"), std::string("rwm"))) !=
          allow.end());
    CHECK(std::find(allow.begin(), allow.end(), std::make_pair(std::string("char-136"), std::string("rw"))) !=
          allow.end());
    // Allow-all: auto, nothing listed.
    props = device_properties({{true, "a", std::nullopt, std::nullopt, "rwm"}}, notes);
    CHECK(value<std::string>(props, "DevicePolicy") == "auto");
}

TEST_CASE("unified keys systemd knows become properties") {
    oci::Resources r;
    r.unified = {{"memory.high", "1048576"}, {"pids.max", "max"}, {"cpu.max", "max 100000"}, {"io.weight", "50"}};
    std::vector<std::string> notes;
    Properties props = resource_properties(r, true, 252, notes);
    CHECK(value<uint64_t>(props, "MemoryHigh") == 1048576);
    CHECK(value<uint64_t>(props, "TasksMax") == UINT64_MAX);
    CHECK(value<uint64_t>(props, "CPUQuotaPerSecUSec") == UINT64_MAX);
    CHECK_FALSE(find(props, "IOWeight"));  // left to the files
    r.unified = {{"memory.max", "lots"}};
    CHECK_THROWS_AS(resource_properties(r, true, 252, notes), common::Error);
}

TEST_CASE("properties print for errors and logs") {
    CHECK(to_string(Property{"MemoryMax", uint64_t{1024}}) == "MemoryMax=1024");
    CHECK(to_string(Property{"TasksMax", UINT64_MAX}) == "TasksMax=infinity");
    CHECK(to_string(Property{"Delegate", true}) == "Delegate=yes");
    CHECK(to_string(Property{"PIDs", std::vector<uint32_t>{7, 8}}) == "PIDs=[7, 8]");
    CHECK(to_string(Property{"DeviceAllow", std::vector<std::pair<std::string, std::string>>{{"/dev/null", "rw"}}}) ==
          "DeviceAllow=[/dev/null rw]");
    CHECK(std::string(signature_of(Value{std::vector<std::pair<std::string, uint64_t>>{}})) == "a(st)");
    CHECK(std::string(signature_of(Value{std::vector<uint8_t>{}})) == "ay");
}
