#include "namespaces/id_maps.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/unique_fd.hpp"
#include "common/users.hpp"

namespace namespaces {

namespace {

struct Range {
    uint64_t start = 0;
    uint64_t count = 0;
};

// The lines of /etc/subuid (or subgid) for `name` or its number `id`:
// "name:start:count".
std::vector<Range> subordinate_ranges(const std::string& text, const std::string& name, uint64_t id) {
    std::vector<Range> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto a = line.find(':');
        const auto b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string who = line.substr(0, a);
        if (who != name && who != std::to_string(id)) continue;
        try {
            Range r;
            r.start = std::stoull(line.substr(a + 1, b - a - 1));
            r.count = std::stoull(line.substr(b + 1));
            if (r.count > 0) out.push_back(r);
        } catch (...) {
        }
    }
    return out;
}

// Whether [start, start + count) is covered by the union of `ranges`.
bool covered(uint64_t start, uint64_t count, std::vector<Range> ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const Range& x, const Range& y) { return x.start < y.start; });
    uint64_t next = start;
    const uint64_t end = start + count;
    for (const Range& r : ranges) {
        if (r.start > next) break;
        next = std::max(next, r.start + r.count);
        if (next >= end) return true;
    }
    return next >= end;
}

std::string describe(const std::vector<Range>& ranges) {
    std::string out;
    for (const Range& r : ranges)
        out += (out.empty() ? "" : ", ") + std::to_string(r.start) + "-" + std::to_string(r.start + r.count - 1);
    return out.empty() ? "none" : out;
}

// One map: kernel when it is the caller's own id alone, else helper; each
// mapping checked against what the caller may map.
IdMapWriter plan_one(const char* field, const char* kind, const char* file, const std::vector<oci::IdMapping>& maps,
                     uint64_t own, const std::string& name, const std::string& subids) {
    const std::vector<Range> ranges = subordinate_ranges(subids, name, own);
    for (size_t i = 0; i < maps.size(); ++i) {
        const oci::IdMapping& m = maps[i];
        if (m.size == 1 && m.hostID == own) continue;
        if (m.size > 0 && covered(m.hostID, m.size, ranges)) continue;
        throw common::Error(std::string(field) + "[" + std::to_string(i) + "] (containerID " +
                                std::to_string(m.containerID) + ", hostID " + std::to_string(m.hostID) + ", size " +
                                std::to_string(m.size) + "): " + kind + " " + std::to_string(own) +
                                (name.empty() ? "" : " (" + name + ")") + " may map only its own " + kind + " " +
                                std::to_string(own) + " and its " + file + " ranges (" + describe(ranges) + ")",
                            EPERM);
    }
    const bool own_only = maps.size() == 1 && maps[0].size == 1 && maps[0].hostID == own;
    return own_only ? IdMapWriter::kernel : IdMapWriter::helper;
}

std::string format_mappings(const std::vector<oci::IdMapping>& mappings) {
    std::string text;
    for (const auto& m : mappings) {
        text += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " +
                std::to_string(m.size) + "\n";
    }
    return text;
}

// newuidmap PID ID LOWER COUNT...: its stderr is the error's text.
void run_helper(const char* helper, const char* field, pid_t pid, const std::vector<oci::IdMapping>& maps) {
    std::vector<std::string> args{helper, std::to_string(pid)};
    for (const auto& m : maps) {
        args.push_back(std::to_string(m.containerID));
        args.push_back(std::to_string(m.hostID));
        args.push_back(std::to_string(m.size));
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) common::throw_errno(std::string(field) + ": pipe for " + helper);
    common::UniqueFd read_end(fds[0]), write_end(fds[1]);
    const pid_t child = ::fork();
    if (child < 0) common::throw_errno(std::string(field) + ": fork " + helper);
    if (child == 0) {
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(write_end.get(), 2);
        ::execvp(helper, argv.data());
        ::_exit(127);
    }
    write_end.reset();
    std::string err;
    try {
        err = common::read_fd(read_end.get());
    } catch (...) {
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        throw common::Error(std::string(field) + ": mapping more than the caller's own id needs " + helper +
                                " (Debian package uidmap), which could not be run",
                            ENOENT);
    std::string line;
    for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
    throw common::Error(std::string(field) + ": " + line + " failed" + (err.empty() ? "" : ": " + err), EPERM);
}

}  // namespace

IdMapPlan plan_id_maps(bool rootless, const Caller& caller, const std::vector<oci::IdMapping>& uids,
                       const std::vector<oci::IdMapping>& gids) {
    IdMapPlan plan;
    if (!rootless) return plan;
    plan.uid = plan_one("linux.uidMappings", "uid", "/etc/subuid", uids, caller.uid, caller.name, caller.subuid);
    plan.gid = plan_one("linux.gidMappings", "gid", "/etc/subgid", gids, caller.gid, caller.name, caller.subgid);
    plan.deny_setgroups = plan.gid == IdMapWriter::kernel && !gids.empty();
    return plan;
}

IdMapPlan plan_id_maps(bool rootless, const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids) {
    if (!rootless) return {};
    Caller caller;
    caller.uid = ::geteuid();
    caller.gid = ::getegid();
    caller.name = common::user_name(caller.uid);
    // Only needed beyond one mapping of the caller's own id.
    auto own_only = [](const std::vector<oci::IdMapping>& maps, uint64_t own) {
        return maps.size() <= 1 && (maps.empty() || (maps[0].size == 1 && maps[0].hostID == own));
    };
    if (!own_only(uids, caller.uid)) caller.subuid = common::read_file_if_exists("/etc/subuid").value_or("");
    if (!own_only(gids, caller.gid)) caller.subgid = common::read_file_if_exists("/etc/subgid").value_or("");
    return plan_id_maps(true, caller, uids, gids);
}

void write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids,
                       const IdMapPlan& plan) {
    std::string base = "/proc/" + std::to_string(pid) + "/";
    // The kernel wants each map in a single write.
    if (!uids.empty()) {
        if (plan.uid == IdMapWriter::helper) {
            run_helper("newuidmap", "linux.uidMappings", pid, uids);
        } else {
            common::write_file(base + "uid_map", format_mappings(uids));
        }
    }
    if (!gids.empty()) {
        if (plan.gid == IdMapWriter::helper) {
            run_helper("newgidmap", "linux.gidMappings", pid, gids);
        } else {
            if (plan.deny_setgroups) common::write_file(base + "setgroups", "deny");
            common::write_file(base + "gid_map", format_mappings(gids));
        }
    }
}

}  // namespace namespaces
