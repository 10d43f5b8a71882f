#include "cgroups/paths.hpp"

#include <algorithm>
#include <sstream>

#include "common/error.hpp"
#include "common/file.hpp"

namespace cgroups {

namespace {

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(sep, start);
        if (end == std::string_view::npos) end = text.size();
        out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() &&
            std::all_of(s.begin() + i + 1, s.begin() + i + 4, [](char c) { return c >= '0' && c <= '7'; })) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Controllers a v1 mount carries, from its super options ("rw,cpu,cpuacct").
std::vector<std::string> v1_controllers(std::string_view super_options) {
    static const char* const known[] = {"cpu",     "cpuacct", "cpuset",     "memory", "devices",
                                        "freezer", "net_cls", "net_prio",   "blkio",  "perf_event",
                                        "hugetlb", "pids",    "rdma",       "misc"};
    std::vector<std::string> out;
    for (auto& opt : split(super_options, ',')) {
        if (opt.rfind("name=", 0) == 0 ||
            std::find_if(std::begin(known), std::end(known), [&](const char* k) { return opt == k; }) !=
                std::end(known))
            out.push_back(opt);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool under(const std::string& path, const std::string& root) {
    return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                            (root.back() == '/' || path[root.size()] == '/'));
}

// The caller's cgroup relative to a mount whose own root is `mount_root`
// (not "/" when a sub-tree is bind-mounted, e.g. in a container without a
// cgroup namespace).
std::string relative_to_mount(const std::string& own, const std::string& mount_root) {
    if (mount_root == "/" || mount_root.empty()) return own;
    if (own == mount_root) return "/";
    if (under(own, mount_root)) return own.substr(mount_root.size());
    return own;
}

}  // namespace

std::vector<MountInfo> parse_mountinfo(std::string_view text) {
    std::vector<MountInfo> out;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        // id parent major:minor root mount-point options [optional...] - fstype source super-options
        auto fields = split(line, ' ');
        auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || dash == fields.end() || dash + 3 > fields.end()) continue;
        MountInfo m;
        m.root = unescape_octal(fields[3]);
        m.mount_point = unescape_octal(fields[4]);
        m.fstype = *(dash + 1);
        m.super_options = dash + 3 < fields.end() ? *(dash + 3) : "";
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<ProcCgroup> parse_proc_cgroup(std::string_view text) {
    std::vector<ProcCgroup> out;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        // hierarchy-id:controller-list:path (the path may itself hold ':')
        auto c1 = line.find(':');
        if (c1 == std::string::npos) continue;
        auto c2 = line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        out.push_back({line.substr(c1 + 1, c2 - c1 - 1), line.substr(c2 + 1)});
    }
    return out;
}

Layout layout_from(std::string_view mountinfo, std::string_view proc_cgroup, const std::string& root) {
    Layout layout;
    auto procs = parse_proc_cgroup(proc_cgroup);
    auto own_for = [&](const std::vector<std::string>& controllers) -> std::optional<std::string> {
        for (auto& p : procs) {
            auto listed = split(p.controllers, ',');
            std::sort(listed.begin(), listed.end());
            if (controllers.empty() ? p.controllers.empty() : listed == controllers) return p.path;
        }
        return std::nullopt;
    };
    for (auto& m : parse_mountinfo(mountinfo)) {
        if (!under(m.mount_point, root)) continue;
        if (m.fstype == "cgroup2") {
            std::string own = relative_to_mount(own_for({}).value_or("/"), m.root);
            if (m.mount_point == root) layout.v2 = true;
            // With several cgroup2 mounts, prefer the one at the root (v2),
            // else the conventional hybrid place.
            if (!layout.unified || m.mount_point == root) layout.unified = UnifiedHierarchy{m.mount_point, own};
        } else if (m.fstype == "cgroup") {
            auto controllers = v1_controllers(m.super_options);
            if (controllers.empty()) continue;
            // The same hierarchy mounted twice (e.g. cpu,cpuacct plus the
            // cpu and cpuacct symlinks' bind mounts): keep the first.
            if (std::any_of(layout.v1.begin(), layout.v1.end(),
                            [&](const V1Hierarchy& h) { return h.controllers == controllers; }))
                continue;
            auto own = own_for(controllers);
            V1Hierarchy h;
            h.mount_point = m.mount_point;
            h.name = m.mount_point.substr(m.mount_point.rfind('/') + 1);
            h.controllers = controllers;
            h.own = relative_to_mount(own.value_or("/"), m.root);
            layout.v1.push_back(std::move(h));
        }
    }
    if (layout.v2) layout.v1.clear();  // v1 mounts beside a v2 root are not ours to use
    return layout;
}

Layout host_layout(const std::string& root) {
    return layout_from(common::read_file("/proc/self/mountinfo"), common::read_file("/proc/self/cgroup"), root);
}

std::string clean_path(std::string_view path, std::string_view what) {
    std::string out;
    for (auto& part : split(path, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") throw common::Error(std::string(what) + ": \"..\" is not allowed in " + std::string(path));
        out += "/" + part;
    }
    return out.empty() ? "/" : out;
}

std::string container_path(const Config& config, const std::string& own) {
    const std::string what = "linux.cgroupsPath";
    std::string path;
    if (!config.cgroups_path || config.cgroups_path->empty()) {
        if (config.container_id.empty() || config.container_id.find('/') != std::string::npos)
            throw common::Error("cgroups: invalid container id \"" + config.container_id + "\"");
        path = clean_path(own + "/crun-lite/" + config.container_id, what);
    } else if (config.cgroups_path->front() == '/') {
        path = clean_path(*config.cgroups_path, what);
    } else {
        path = clean_path(own + "/" + *config.cgroups_path, what);
    }
    if (path == "/") throw common::Error(what + ": the container cannot use the root cgroup");
    return path;
}

}  // namespace cgroups
