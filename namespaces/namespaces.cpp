#include "namespaces/namespaces.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include <algorithm>
#include <cstring>

#include "common/error.hpp"
#include "common/file.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace namespaces {

using oci::NamespaceType;

int clone_flag(NamespaceType type) {
    switch (type) {
        case NamespaceType::pid: return CLONE_NEWPID;
        case NamespaceType::network: return CLONE_NEWNET;
        case NamespaceType::mount: return CLONE_NEWNS;
        case NamespaceType::ipc: return CLONE_NEWIPC;
        case NamespaceType::uts: return CLONE_NEWUTS;
        case NamespaceType::user: return CLONE_NEWUSER;
        case NamespaceType::cgroup: return CLONE_NEWCGROUP;
        case NamespaceType::time: return CLONE_NEWTIME;
    }
    return 0;
}

const char* proc_name(NamespaceType type) {
    switch (type) {
        case NamespaceType::pid: return "pid";
        case NamespaceType::network: return "net";
        case NamespaceType::mount: return "mnt";
        case NamespaceType::ipc: return "ipc";
        case NamespaceType::uts: return "uts";
        case NamespaceType::user: return "user";
        case NamespaceType::cgroup: return "cgroup";
        case NamespaceType::time: return "time";
    }
    return "";
}

Plan plan(const oci::Linux& linux) {
    Plan result;
    for (size_t i = 0; i < linux.namespaces.size(); ++i) {
        const oci::Namespace& ns = linux.namespaces[i];
        if (ns.path.empty()) {
            if (ns.type == NamespaceType::cgroup) {
                result.new_cgroup = true;
            } else if (ns.type == NamespaceType::time) {
                result.new_time = true;
            } else {
                result.new_flags |= static_cast<uint64_t>(clone_flag(ns.type));
            }
            continue;
        }
        std::string what = "linux.namespaces[" + std::to_string(i) + "].path " + ns.path;
        int fd = ::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) common::throw_errno(what);
        common::UniqueFd owner(fd);
        // Refuse a file that is not a namespace of the declared type, so a
        // typo cannot silently join something else.
        int actual = ::ioctl(fd, NS_GET_NSTYPE);
        if (actual < 0) common::throw_errno(what + ": not a namespace file");
        if (actual != clone_flag(ns.type)) {
            throw common::Error(what + ": not a " + oci::to_string(ns.type) + " namespace");
        }
        result.joins.push_back(Join{ns.type, ns.path, std::move(owner)});
    }
    // A user namespace must be entered first: it grants the rights to enter
    // the others.
    std::stable_partition(result.joins.begin(), result.joins.end(),
                          [](const Join& j) { return j.type == NamespaceType::user; });
    return result;
}

void enter(const Join& join) {
    if (::setns(join.fd.get(), clone_flag(join.type)) < 0) {
        common::throw_errno(std::string("join ") + oci::to_string(join.type) +
                            " namespace " + join.path);
    }
}

void ChildNamespaceScope::remember_own(oci::NamespaceType type) {
    for (const Join& own : own_) {
        if (own.type == type) return;
    }
    // /proc/self/ns/<name> is the namespace this process itself is in, not
    // the one its children will get.
    std::string path = std::string("/proc/self/ns/") + proc_name(type);
    common::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) common::throw_errno("open " + path);
    own_.push_back(Join{type, std::move(path), std::move(fd)});
}

void ChildNamespaceScope::enter(const std::vector<Join>& joins) {
    for (const Join& join : joins) {
        if (join.type != oci::NamespaceType::pid && join.type != oci::NamespaceType::time) continue;
        remember_own(join.type);
        namespaces::enter(join);
    }
}

void ChildNamespaceScope::unshare_time(const std::map<std::string, oci::TimeOffset>& offsets) {
    remember_own(oci::NamespaceType::time);
    if (::unshare(CLONE_NEWTIME) < 0) common::throw_errno("unshare time namespace");
    std::string text;
    for (const auto& [clock, offset] : offsets) {
        text += clock + " " + std::to_string(offset.secs) + " " +
                std::to_string(offset.nanosecs) + "\n";
    }
    if (!text.empty()) {
        try {
            common::write_file("/proc/self/timens_offsets", text);
        } catch (const common::Error& e) {
            throw common::Error(std::string("linux.timeOffsets: ") + e.what(), e.code());
        }
    }
}

void ChildNamespaceScope::restore() {
    // setns into one's own pid namespace is allowed (it is the active one),
    // and into one's own time namespace resets time_for_children as well.
    for (const Join& own : own_) namespaces::enter(own);
    own_.clear();
}

ChildNamespaceScope::~ChildNamespaceScope() {
    try {
        restore();
    } catch (const std::exception&) {
        // Only reached while another error unwinds; that one is reported.
    }
}

void bring_up_loopback() {
    common::UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) common::throw_errno("socket for loopback setup");
    struct ifreq req {};
    std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) < 0) common::throw_errno("read flags of lo");
    req.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) < 0) common::throw_errno("set lo up");
}

}  // namespace namespaces
