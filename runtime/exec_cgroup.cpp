#include "runtime/exec_cgroup.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <set>
#include <sstream>

#include "common/error.hpp"

namespace runtime {

namespace {

[[noreturn]] void bad_argument(const std::string& arg, const std::string& why) {
    throw common::Error("--cgroup " + arg + ": " + why);
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
    if (!text.empty() && text.back() == sep) parts.emplace_back();
    return parts;
}

// `path` below `base`, cleaned as runc's path.Join cleans it; ".." may not
// climb above `base`.
std::string join_below(const std::string& base, const std::string& path, const std::string& arg) {
    std::vector<std::string> parts;
    for (const std::string& part : split(path, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (parts.empty()) bad_argument(arg, "\"" + path + "\" leads out of the container's cgroup");
            parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string out = base;
    for (const auto& part : parts) out += "/" + part;
    return out;
}

}  // namespace

std::map<std::string, std::string> parse_exec_cgroups(const std::vector<std::string>& args) {
    std::map<std::string, std::string> paths;
    for (const std::string& arg : args) {
        const auto colon = arg.find(':');
        if (colon == std::string::npos) {
            if (args.size() != 1) {
                bad_argument(arg, "a path without a <controller>: prefix must be the only --cgroup "
                                  "(it applies to every controller)");
            }
            paths[""] = arg;
            continue;
        }
        const std::string path = arg.substr(colon + 1);
        if (path.find(':') != std::string::npos) bad_argument(arg, "must be [<controller>[,<controller>...]:]<path>");
        for (const std::string& controller : split(arg.substr(0, colon), ',')) {
            if (controller.empty()) bad_argument(arg, "empty controller name before ':'");
            if (!paths.emplace(controller, path).second) {
                bad_argument(arg, "controller " + controller + " is given more than once");
            }
        }
    }
    return paths;
}

ExecCgroupTarget exec_cgroup_target(const cgroups::Manager& manager,
                                    const std::map<std::string, std::string>& sub_paths) {
    ExecCgroupTarget target;
    std::set<std::string> matched;
    const auto all = sub_paths.find("");
    for (const cgroups::Hierarchy& h : manager.hierarchies()) {
        // The sub-path for this hierarchy: the one for every controller, or
        // the one given for any of its controllers (co-mounted ones such as
        // cpu,cpuacct must agree). The unified part of a hybrid host has no
        // v1 controller name: only a prefix-less path moves it.
        std::string sub;
        std::string from;
        if (all != sub_paths.end()) {
            sub = all->second;
            from = all->second;
        } else {
            for (const std::string& controller : split(h.controllers, ',')) {
                auto it = sub_paths.find(controller);
                if (it == sub_paths.end()) continue;
                matched.insert(controller);
                if (!from.empty() && sub != it->second) {
                    throw common::Error("--cgroup: controllers of the one hierarchy " + h.controllers +
                                        " are given different sub-cgroups (\"" + sub + "\", \"" + it->second + "\")");
                }
                sub = it->second;
                from = controller + ":" + it->second;
            }
        }
        const std::string dir = from.empty() ? h.path : join_below(h.path, sub, from);
        struct stat st;
        if (::stat(dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) {
            bad_argument(from, "the sub-cgroup " + dir + " does not exist (it must be made before exec)");
        }
        target.dirs.push_back(dir);
        if (h.unified) {
            target.unified.reset(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!target.unified) common::throw_errno("--cgroup: open " + dir);
        } else {
            target.tasks_files.push_back(dir + "/tasks");
        }
    }
    for (const auto& [controller, path] : sub_paths) {
        if (!controller.empty() && !matched.count(controller)) {
            bad_argument(controller + ":" + path, "the container's cgroup has no " + controller + " controller");
        }
    }
    return target;
}

}  // namespace runtime
