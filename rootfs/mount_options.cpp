#include "rootfs/mount_options.hpp"

#include <sys/mount.h>

#include <string_view>

#include "common/error.hpp"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

namespace rootfs {

namespace {

struct FlagOption {
    std::string_view name;
    bool clear;  // the option removes the flag instead of setting it
    unsigned long flag;
};

// mount(8) names of per-mount and superblock flags.
constexpr FlagOption kFlagOptions[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},      {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},        {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},    {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},  {"nolazytime", true, MS_LAZYTIME},
    {"silent", false, MS_SILENT},      {"loud", true, MS_SILENT},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
};

struct PropagationOption {
    std::string_view name;
    unsigned long flags;
};

constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE},          {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},            {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},              {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},    {"runbindable", MS_UNBINDABLE | MS_REC},
};

struct AttrOption {
    std::string_view name;
    uint64_t set;
    uint64_t clear;
};

// Recursive attributes (mount_setattr AT_RECURSIVE), named as runc does.
// rnorelatime has no MOUNT_ATTR of its own: neither relatime nor noatime
// is strictatime.
constexpr AttrOption kRecursiveAttrs[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},          {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},      {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},        {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},      {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0}, {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0}, {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
};

// Applies one set/clear pair so that the later option wins.
void merge(MountAttr& attr, uint64_t set, uint64_t clear) {
    if (clear & MOUNT_ATTR__ATIME) attr.set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
    attr.set = (attr.set & ~clear) | set;
    attr.clear = (attr.clear & ~set) | clear;
}

}  // namespace

std::string MountOptions::data_string() const {
    std::string out;
    for (const std::string& d : data) {
        if (!out.empty()) out += ',';
        out += d;
    }
    return out;
}

MountOptions parse_mount_options(const std::vector<std::string>& options) {
    MountOptions out;
    for (const std::string& opt : options) {
        bool matched = false;
        for (const FlagOption& f : kFlagOptions) {
            if (opt != f.name) continue;
            if (f.clear) {
                out.clear_flags |= f.flag;
                out.flags &= ~f.flag;
            } else {
                out.flags |= f.flag;
                out.clear_flags &= ~f.flag;
            }
            // The atime modes exclude each other; the last one stands.
            constexpr unsigned long atime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;
            if (!f.clear && (f.flag & atime)) out.flags &= ~(atime & ~f.flag);
            matched = true;
            break;
        }
        if (matched) continue;
        for (const PropagationOption& p : kPropagation) {
            if (opt == p.name) {
                out.propagation = p.flags;
                matched = true;
                break;
            }
        }
        if (matched) continue;
        for (const AttrOption& a : kRecursiveAttrs) {
            if (opt == a.name) {
                merge(out.recursive_attr, a.set, a.clear);
                matched = true;
                break;
            }
        }
        if (matched) continue;
        if (opt == "bind") {
            out.bind = true;
        } else if (opt == "rbind") {
            out.bind = true;
            out.recursive = true;
        } else if (opt == "idmap") {
            out.idmap = true;
        } else if (opt == "ridmap") {
            out.idmap = true;
            out.recursive_idmap = true;
        } else if (opt == "tmpcopyup") {
            out.tmpcopyup = true;
        } else if (!opt.empty()) {
            out.data.push_back(opt);
        }
    }
    return out;
}

MountAttr to_mount_attr(unsigned long flags, unsigned long clear_flags) {
    MountAttr attr;
    struct Pair {
        unsigned long ms;
        uint64_t attr;
    };
    constexpr Pair simple[] = {
        {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
        {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
        {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    };
    for (const Pair& p : simple) {
        if (flags & p.ms) attr.set |= p.attr;
        if (clear_flags & p.ms) attr.clear |= p.attr;
    }
    if (flags & MS_NOATIME) {
        merge(attr, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME);
    } else if (flags & MS_STRICTATIME) {
        merge(attr, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME);
    } else if (flags & MS_RELATIME) {
        merge(attr, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME);
    } else if (clear_flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
        // "atime", "nostrictatime", "norelatime" without a new mode: back to
        // the kernel default, relatime.
        merge(attr, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME);
    }
    return attr;
}

std::vector<std::string> superblock_flag_keys(unsigned long flags) {
    std::vector<std::string> keys;
    if (flags & MS_RDONLY) keys.emplace_back("ro");
    if (flags & MS_SYNCHRONOUS) keys.emplace_back("sync");
    if (flags & MS_DIRSYNC) keys.emplace_back("dirsync");
    if (flags & MS_LAZYTIME) keys.emplace_back("lazytime");
    if (flags & MS_MANDLOCK) keys.emplace_back("mand");
    return keys;
}

unsigned long parse_propagation(const std::string& value) {
    if (value.empty()) return 0;
    for (const PropagationOption& p : kPropagation)
        if (value == p.name) return p.flags;
    throw common::Error("linux.rootfsPropagation: unknown value \"" + value + "\"", EINVAL);
}

FsParam split_fs_param(const std::string& option) {
    FsParam p;
    size_t eq = option.find('=');
    if (eq == std::string::npos) {
        p.key = option;
    } else {
        p.key = option.substr(0, eq);
        p.value = option.substr(eq + 1);
        p.has_value = true;
    }
    return p;
}

}  // namespace rootfs
