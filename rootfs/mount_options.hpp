// Pure parsing of an OCI mount's "options" list; no syscalls here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rootfs {

// A set/clear pair of MOUNT_ATTR_* bits, as mount_setattr(2) and fsmount(2)
// take them. Atime modes are an enum inside MOUNT_ATTR__ATIME: changing one
// always clears the whole field first (the kernel requires that).
struct MountAttr {
    uint64_t set = 0;
    uint64_t clear = 0;
    bool empty() const { return set == 0 && clear == 0; }
};

struct MountOptions {
    unsigned long flags = 0;        // MS_* the options set (ro, nosuid, relatime, ...)
    unsigned long clear_flags = 0;  // MS_* the options clear (rw, suid, atime, ...)
    unsigned long propagation = 0;  // MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [| MS_REC]; 0 = none
    bool bind = false;              // "bind" or "rbind"
    bool recursive = false;         // "rbind"
    MountAttr recursive_attr;       // "rro", "rnosuid", ... (mount_setattr AT_RECURSIVE)
    bool idmap = false;             // "idmap" / "ridmap"
    bool recursive_idmap = false;
    bool tmpcopyup = false;
    std::vector<std::string> data;  // everything else, for the filesystem
    std::string data_string() const;  // data joined with ","
};

// Later options override earlier ones of the same kind ("ro","rw" is rw).
// Unknown options are filesystem data; nothing here throws.
MountOptions parse_mount_options(const std::vector<std::string>& options);

// The per-mount part of `flags` / `clear_flags` as MOUNT_ATTR_* bits
// (rdonly, nosuid, nodev, noexec, atime mode, nodiratime, nosymfollow).
MountAttr to_mount_attr(unsigned long flags, unsigned long clear_flags);

// Superblock flags of `flags` as fsconfig(FSCONFIG_SET_FLAG) keys
// ("ro", "sync", "dirsync", "lazytime", "mand").
std::vector<std::string> superblock_flag_keys(unsigned long flags);

// linux.rootfsPropagation: "" -> 0, "rslave" -> MS_SLAVE|MS_REC, ...;
// an unknown value throws common::Error naming it.
unsigned long parse_propagation(const std::string& value);

// Splits "key=value" data options for fsconfig: value is empty and
// has_value false for a plain flag like "newinstance".
struct FsParam {
    std::string key;
    std::string value;
    bool has_value = false;
};
FsParam split_fs_param(const std::string& option);

}  // namespace rootfs
