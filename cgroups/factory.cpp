#include "cgroups/factory.hpp"

#include <nlohmann/json.hpp>

#include "cgroups/rootless.hpp"
#include "cgroups/systemd_manager.hpp"
#include "cgroups/v1_manager.hpp"
#include "cgroups/v2_manager.hpp"
#include "common/error.hpp"

namespace cgroups {

std::unique_ptr<Manager> make_manager(const Config& config, const Layout& layout) {
    if (config.systemd) return systemd::make_systemd_manager(config, layout);
    if (config.rootless) return make_rootless_manager(config, layout);
    if (layout.v2) return std::make_unique<V2Manager>(*layout.unified, config);
    return std::make_unique<V1Manager>(layout, config);
}

std::unique_ptr<Manager> make_manager(const Config& config) {
    // mountinfo is the authority on what is mounted where (a statfs of
    // /sys/fs/cgroup would say the same for the v2 case, but the v1
    // hierarchies and the caller's place in them need the tables anyway).
    return make_manager(config, host_layout());
}

void preflight(const Config& config) {
    if (config.systemd) systemd::check_placement(config);
}

std::unique_ptr<Manager> load_manager(std::string_view saved) {
    try {
        auto j = nlohmann::json::parse(saved);
        const auto kind = j.at("kind").get<std::string>();
        if (kind == "v1") return V1Manager::from_json(j);
        if (kind == "v2") return V2Manager::from_json(j);
        if (kind == "systemd") return systemd::SystemdManager::from_json(j);
        throw common::Error("cgroups: saved state has unknown kind \"" + kind + "\"");
    } catch (const nlohmann::json::exception& e) {
        throw common::Error(std::string("cgroups: cannot read saved cgroup state: ") + e.what());
    }
}

}  // namespace cgroups
