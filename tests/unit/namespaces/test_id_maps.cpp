// Who writes a user namespace's id maps, and which mappings a caller may
// ask for: the rootless rules of namespaces/id_maps.hpp, on made-up callers.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "common/error.hpp"
#include "namespaces/id_maps.hpp"

using namespaces::IdMapWriter;

namespace {

namespaces::Caller alice() {
    namespaces::Caller c;
    c.uid = 1000;
    c.gid = 1000;
    c.name = "alice";
    c.subuid = "bob:200000:65536\nalice:100000:65536\n";
    c.subgid = "1000:300000:1000\n";  // by number, as /etc/subgid allows
    return c;
}

oci::IdMapping map(uint32_t container, uint32_t host, uint32_t size) { return {container, host, size}; }

std::string refusal(const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids) {
    try {
        namespaces::plan_id_maps(true, alice(), uids, gids);
    } catch (const common::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("root writes every map itself, whatever it maps") {
    auto plan = namespaces::plan_id_maps(false, alice(), {map(0, 0, 65536)}, {map(0, 0, 65536)});
    CHECK(plan.uid == IdMapWriter::kernel);
    CHECK(plan.gid == IdMapWriter::kernel);
    CHECK_FALSE(plan.deny_setgroups);
}

TEST_CASE("the caller's own id alone: written directly, setgroups denied first") {
    auto plan = namespaces::plan_id_maps(true, alice(), {map(0, 1000, 1)}, {map(0, 1000, 1)});
    CHECK(plan.uid == IdMapWriter::kernel);
    CHECK(plan.gid == IdMapWriter::kernel);
    CHECK(plan.deny_setgroups);
}

TEST_CASE("subordinate ranges go through newuidmap/newgidmap") {
    auto plan = namespaces::plan_id_maps(true, alice(), {map(0, 1000, 1), map(1, 100000, 65536)},
                                         {map(0, 1000, 1), map(1, 300000, 1000)});
    CHECK(plan.uid == IdMapWriter::helper);
    CHECK(plan.gid == IdMapWriter::helper);
    CHECK_FALSE(plan.deny_setgroups);  // the helper decides, with the ranges it grants
}

TEST_CASE("a mapping the caller may not have is refused, naming it and what is allowed") {
    std::string err = refusal({map(0, 0, 1)}, {});
    CHECK(err.find("linux.uidMappings[0]") != std::string::npos);
    CHECK(err.find("100000-165535") != std::string::npos);
    // Another user's range.
    CHECK(refusal({map(0, 1000, 1), map(1, 200000, 10)}, {}).find("linux.uidMappings[1]") != std::string::npos);
    // Past the end of the caller's range.
    CHECK(refusal({map(0, 100000, 65537)}, {}).find("linux.uidMappings[0]") != std::string::npos);
    CHECK(refusal({}, {map(0, 300000, 1001)}).find("linux.gidMappings[0]") != std::string::npos);
    // Someone else's id, even of size 1.
    CHECK(refusal({}, {map(0, 1001, 1)}).find("linux.gidMappings[0]") != std::string::npos);
    CHECK(refusal({map(0, 1000, 1), map(1, 100000, 65536)}, {map(0, 1000, 1)}).empty());
}
