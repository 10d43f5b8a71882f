#include "shim/service/rootfs_mounts.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <map>

#include "common/error.hpp"

namespace shim {
namespace {

struct ParsedOptions {
    unsigned long flags = 0;
    unsigned long propagation = 0;
    std::string data;
};

ParsedOptions parse_options(const std::vector<std::string>& options) {
    static const std::map<std::string, std::pair<bool, unsigned long>> known = {
        {"ro", {true, MS_RDONLY}},      {"rw", {false, MS_RDONLY}},        {"nosuid", {true, MS_NOSUID}},
        {"suid", {false, MS_NOSUID}},   {"nodev", {true, MS_NODEV}},       {"dev", {false, MS_NODEV}},
        {"noexec", {true, MS_NOEXEC}},  {"exec", {false, MS_NOEXEC}},      {"bind", {true, MS_BIND}},
        {"rbind", {true, MS_BIND | MS_REC}}, {"noatime", {true, MS_NOATIME}}, {"relatime", {true, MS_RELATIME}},
        {"nodiratime", {true, MS_NODIRATIME}}, {"sync", {true, MS_SYNCHRONOUS}}, {"remount", {true, MS_REMOUNT}},
        {"strictatime", {true, MS_STRICTATIME}}, {"async", {false, MS_SYNCHRONOUS}}, {"defaults", {false, 0}},
    };
    static const std::map<std::string, unsigned long> propagation = {
        {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"slave", MS_SLAVE},
        {"rslave", MS_SLAVE | MS_REC}, {"shared", MS_SHARED}, {"rshared", MS_SHARED | MS_REC},
    };
    ParsedOptions parsed;
    for (const auto& option : options) {
        if (auto it = known.find(option); it != known.end()) {
            if (it->second.first) parsed.flags |= it->second.second;
            else parsed.flags &= ~it->second.second;
        } else if (auto p = propagation.find(option); p != propagation.end()) {
            parsed.propagation = p->second;
        } else {
            if (!parsed.data.empty()) parsed.data += ',';
            parsed.data += option;
        }
    }
    return parsed;
}

}  // namespace

void mount_rootfs(const std::string& bundle, const std::vector<shimproto::Mount>& mounts) {
    const std::string target = bundle + "/rootfs";
    for (const auto& m : mounts) {
        const ParsedOptions options = parse_options(m.options);
        const std::string where = m.target.empty() ? target : target + "/" + m.target;
        // A read-only bind needs a second, remount step.
        const unsigned long first = (options.flags & MS_BIND) ? options.flags & ~MS_RDONLY : options.flags;
        if (mount(m.source.c_str(), where.c_str(), m.type.c_str(), first,
                  options.data.empty() ? nullptr : options.data.c_str()) != 0) {
            const int err = errno;
            unmount_rootfs(bundle);
            common::throw_errno("mount " + m.type + " " + m.source + " on " + where, err);
        }
        if ((options.flags & MS_BIND) && (options.flags & MS_RDONLY) &&
            mount(nullptr, where.c_str(), nullptr, options.flags | MS_REMOUNT, nullptr) != 0) {
            const int err = errno;
            unmount_rootfs(bundle);
            common::throw_errno("remount read-only " + where, err);
        }
        if (options.propagation && mount(nullptr, where.c_str(), nullptr, options.propagation, nullptr) != 0) {
            const int err = errno;
            unmount_rootfs(bundle);
            common::throw_errno("set propagation of " + where, err);
        }
    }
}

void unmount_rootfs(const std::string& bundle) {
    const std::string target = bundle + "/rootfs";
    // Every layer stacked there (a failed create can leave several).
    for (int i = 0; i < 16; ++i) {
        if (umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) continue;
        if (errno == EBUSY && umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) continue;
        break;
    }
}

}  // namespace shim
