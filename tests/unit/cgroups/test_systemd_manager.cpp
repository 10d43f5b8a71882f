// The systemd manager's saved state: what later commands (delete, update,
// pause, ps, events) reload from state.json. No bus is needed: the
// manager connects on first use only, and none of these calls need one.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cgroups/manager.hpp"
#include "common/error.hpp"
#include "fake_tree.hpp"

using namespace cgroups;

namespace {
nlohmann::json saved_scope(const std::string& mount) {
    return {{"kind", "systemd"},
            {"unit", "ctr-c1.scope"},
            {"slice", "a-b.slice"},
            {"user", false},
            {"v2", true},
            {"cgroup", "/a.slice/a-b.slice/ctr-c1.scope"},
            {"track_mount", mount},
            {"created_slices", {"a.slice", "a-b.slice"}},
            {"joined", false},
            {"files",
             {{"kind", "v2"},
              {"mount_point", mount},
              {"path", mount + "/a.slice/a-b.slice/ctr-c1.scope"},
              {"created", nlohmann::json::array()},
              {"enable_in_parents", false}}}};
}
}  // namespace

TEST_CASE("systemd: a saved scope reloads with its unit, slices and cgroup") {
    fake::Tree t;
    const auto saved = saved_scope(t.root());
    auto m = load_manager(saved.dump());
    CHECK(m->needs_pid());
    // The reloaded manager's unit exists: exec joins the scope's cgroup.
    CHECK(m->self_join_files() ==
          std::vector<std::string>{t.root() + "/a.slice/a-b.slice/ctr-c1.scope/cgroup.procs"});
    auto h = m->hierarchies();
    REQUIRE(h.size() == 1);
    CHECK(h[0].path == t.root() + "/a.slice/a-b.slice/ctr-c1.scope");
    CHECK(nlohmann::json::parse(m->save()) == saved);
}

TEST_CASE("systemd: the scope's files are the cgroupfs manager's") {
    fake::Tree t;
    t.put("a.slice/a-b.slice/ctr-c1.scope/cgroup.procs", "7\n8\n");
    t.put("a.slice/a-b.slice/ctr-c1.scope/cgroup.freeze", "0\n");
    t.put("a.slice/a-b.slice/ctr-c1.scope/cgroup.events", "populated 1\nfrozen 1\n");
    auto m = load_manager(saved_scope(t.root()).dump());
    CHECK(m->pids() == std::vector<pid_t>{7, 8});
    m->freeze();
    CHECK(t.get("a.slice/a-b.slice/ctr-c1.scope/cgroup.freeze") == "1");
    CHECK(m->frozen());
}

TEST_CASE("systemd: a damaged saved scope is an error, not a guess") {
    auto j = saved_scope("/sys/fs/cgroup");
    j.erase("unit");
    CHECK_THROWS_AS(load_manager(j.dump()), common::Error);
}
