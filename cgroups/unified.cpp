#include "cgroups/unified.hpp"

#include <algorithm>
#include <cerrno>

#include "cgroups/control_dir.hpp"
#include "cgroups/convert.hpp"
#include "cgroups/dirs.hpp"
#include "common/error.hpp"
#include "common/file.hpp"

namespace cgroups::unified {

namespace {
constexpr int kFreezeTimeoutMs = 5000;

std::set<std::string> words(const std::string& text) {
    std::set<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
        size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
        if (j > i) out.insert(text.substr(i, j - i));
        i = j;
    }
    return out;
}
}  // namespace

bool is_frozen(const std::string& dir) {
    auto events = parse_flat_keyed(common::read_file(dir + "/cgroup.events"));
    return events["frozen"] == 1;
}

void set_frozen(const std::string& dir, bool frozen) {
    ControlDir d(dir);
    int err = d.try_write("cgroup.freeze", frozen ? "1" : "0");
    if (err != 0) common::throw_errno("write " + d.file("cgroup.freeze"), err);
    // The write only requests the state; cgroup.events says when every task
    // got there.
    if (!poll_until([&] { return is_frozen(dir) == frozen; }, kFreezeTimeoutMs))
        throw common::Error("cgroups: " + dir + " did not become " + (frozen ? "frozen" : "thawed") +
                            " within " + std::to_string(kFreezeTimeoutMs / 1000) + " s");
}

bool kill(const std::string& dir) {
    ControlDir d(dir);
    int err = d.try_write("cgroup.kill", "1");
    if (err == ENOENT) return false;
    if (err != 0) common::throw_errno("write " + d.file("cgroup.kill"), err);
    return true;
}

std::set<std::string> controllers(const std::string& dir, const char* file) {
    auto text = common::read_file_if_exists(dir + "/" + file);
    return text ? words(*text) : std::set<std::string>{};
}

void enable_controller(const std::string& mount_point, const std::string& leaf, const std::string& controller,
                       std::string_view field, const std::vector<std::string>& created, bool in_existing) {
    if (controller == "cgroup") return;  // core files exist everywhere
    std::string dir = mount_point;
    std::string_view rest(leaf);
    rest.remove_prefix(mount_point.size());
    // Walk every ancestor of leaf, from the mount point down.
    for (;;) {
        while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        if (rest.empty()) break;  // `dir` is now the leaf itself: nothing to delegate
        if (!controllers(dir, "cgroup.subtree_control").count(controller)) {
            if (!controllers(dir).count(controller))
                not_supported(field, "controller \"" + controller + "\" in " + dir + "/cgroup.controllers");
            const bool ours = std::find(created.begin(), created.end(), dir) != created.end();
            if (!ours && !in_existing)
                not_supported(field, "controller \"" + controller + "\" delegated in " + dir +
                                         "/cgroup.subtree_control, and that cgroup is not ours to change");
            int err = ControlDir(dir).try_write("cgroup.subtree_control", "+" + controller);
            if (err != 0)
                common::throw_errno(field_name(field) + ": enable controller " + controller + " in " + dir +
                                        "/cgroup.subtree_control",
                                    err);
        }
        auto slash = rest.find('/');
        dir += "/" + std::string(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    }
}

void enable_in_created(const std::vector<std::string>& created, const std::string& leaf) {
    for (auto& dir : created) {
        if (dir == leaf) continue;  // the leaf holds the tasks: it must not delegate
        for (auto& c : controllers(dir)) ControlDir(dir).try_write("cgroup.subtree_control", "+" + c);
    }
}

void enable_all_in_ancestors(const std::string& mount_point, const std::string& leaf) {
    std::string dir = mount_point;
    std::string_view rest(leaf);
    rest.remove_prefix(std::min(mount_point.size(), rest.size()));
    for (;;) {
        while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        if (rest.empty()) break;
        const auto enabled = controllers(dir, "cgroup.subtree_control");
        for (auto& c : controllers(dir))
            if (!enabled.count(c)) ControlDir(dir).try_write("cgroup.subtree_control", "+" + c);
        auto slash = rest.find('/');
        dir += "/" + std::string(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    }
}

std::string controller_of(std::string_view file) {
    return std::string(file.substr(0, file.find('.')));
}

}  // namespace cgroups::unified
