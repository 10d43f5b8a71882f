#include <doctest/doctest.h>
#include <sys/mount.h>

#include "common/error.hpp"
#include "rootfs/mount_options.hpp"
#include "rootfs/safe_path.hpp"

using namespace rootfs;

TEST_CASE("mount options: per-mount flags, later ones win") {
    MountOptions o = parse_mount_options({"ro", "nosuid", "nodev", "noexec"});
    CHECK(o.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
    CHECK(o.clear_flags == 0);
    CHECK(o.data.empty());
    CHECK_FALSE(o.bind);

    o = parse_mount_options({"ro", "rw", "suid", "nosuid"});
    CHECK(o.flags == MS_NOSUID);
    CHECK(o.clear_flags == MS_RDONLY);
}

TEST_CASE("mount options: atime modes exclude each other") {
    MountOptions o = parse_mount_options({"noatime", "strictatime"});
    CHECK(o.flags == MS_STRICTATIME);
    o = parse_mount_options({"relatime", "noatime", "nodiratime"});
    CHECK(o.flags == (MS_NOATIME | MS_NODIRATIME));
}

TEST_CASE("mount options: bind, rbind, idmap, tmpcopyup") {
    MountOptions o = parse_mount_options({"bind"});
    CHECK(o.bind);
    CHECK_FALSE(o.recursive);
    o = parse_mount_options({"rbind", "ro"});
    CHECK(o.bind);
    CHECK(o.recursive);
    CHECK(o.flags == MS_RDONLY);
    o = parse_mount_options({"idmap"});
    CHECK(o.idmap);
    CHECK_FALSE(o.recursive_idmap);
    o = parse_mount_options({"ridmap", "tmpcopyup"});
    CHECK(o.idmap);
    CHECK(o.recursive_idmap);
    CHECK(o.tmpcopyup);
}

TEST_CASE("mount options: propagation, the last one stands") {
    CHECK(parse_mount_options({"rslave"}).propagation == (MS_SLAVE | MS_REC));
    CHECK(parse_mount_options({"shared", "rprivate"}).propagation == (MS_PRIVATE | MS_REC));
    CHECK(parse_mount_options({"unbindable"}).propagation == MS_UNBINDABLE);
    CHECK(parse_mount_options({"ro"}).propagation == 0);
}

TEST_CASE("mount options: recursive attributes") {
    MountOptions o = parse_mount_options({"rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow"});
    CHECK(o.recursive_attr.set ==
          (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW));
    CHECK(o.recursive_attr.clear == 0);
    CHECK(o.flags == 0);

    o = parse_mount_options({"rro", "rrw", "rdev"});
    CHECK(o.recursive_attr.set == 0);
    CHECK(o.recursive_attr.clear == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV));

    // Changing the atime mode clears the whole atime field (kernel rule).
    o = parse_mount_options({"rnoatime"});
    CHECK(o.recursive_attr.set == MOUNT_ATTR_NOATIME);
    CHECK(o.recursive_attr.clear == MOUNT_ATTR__ATIME);
    o = parse_mount_options({"rnoatime", "rstrictatime"});
    CHECK(o.recursive_attr.set == MOUNT_ATTR_STRICTATIME);
    CHECK(o.recursive_attr.clear == MOUNT_ATTR__ATIME);
    o = parse_mount_options({"rnoatime", "rrelatime"});
    CHECK(o.recursive_attr.set == MOUNT_ATTR_RELATIME);
    CHECK(o.recursive_attr.clear == MOUNT_ATTR__ATIME);
    o = parse_mount_options({"rnodiratime", "rdiratime"});
    CHECK(o.recursive_attr.set == 0);
    CHECK(o.recursive_attr.clear == MOUNT_ATTR_NODIRATIME);
}

TEST_CASE("mount options: the rest is filesystem data, in order") {
    MountOptions o = parse_mount_options({"nosuid", "mode=755", "size=65536k", "newinstance", "defaults"});
    REQUIRE(o.data.size() == 3);
    CHECK(o.data_string() == "mode=755,size=65536k,newinstance");
    CHECK(o.flags == MS_NOSUID);
}

TEST_CASE("to_mount_attr maps MS_ flags onto MOUNT_ATTR_ set/clear") {
    MountAttr a = to_mount_attr(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
    CHECK(a.set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    CHECK(a.clear == 0);

    a = to_mount_attr(MS_NOATIME, MS_RDONLY);
    CHECK(a.set == MOUNT_ATTR_NOATIME);
    CHECK(a.clear == (MOUNT_ATTR__ATIME | MOUNT_ATTR_RDONLY));

    a = to_mount_attr(MS_STRICTATIME | MS_NODIRATIME, 0);
    CHECK(a.set == (MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NODIRATIME));
    CHECK(a.clear == MOUNT_ATTR__ATIME);

    // "atime" alone: back to the default (relatime).
    a = to_mount_attr(0, MS_NOATIME);
    CHECK(a.set == MOUNT_ATTR_RELATIME);
    CHECK(a.clear == MOUNT_ATTR__ATIME);

    // Superblock-only flags have no per-mount attribute.
    CHECK(to_mount_attr(MS_SYNCHRONOUS | MS_DIRSYNC, 0).empty());
}

TEST_CASE("superblock flags become fsconfig keys") {
    CHECK(superblock_flag_keys(MS_RDONLY | MS_SYNCHRONOUS | MS_NOSUID) == std::vector<std::string>{"ro", "sync"});
    CHECK(superblock_flag_keys(MS_NODEV).empty());
}

TEST_CASE("linux.rootfsPropagation values") {
    CHECK(parse_propagation("") == 0);
    CHECK(parse_propagation("rslave") == (MS_SLAVE | MS_REC));
    CHECK(parse_propagation("private") == MS_PRIVATE);
    CHECK(parse_propagation("runbindable") == (MS_UNBINDABLE | MS_REC));
    CHECK_THROWS_WITH_AS(parse_propagation("sideways"),
                         "linux.rootfsPropagation: unknown value \"sideways\"", common::Error);
}

TEST_CASE("fs parameters split at the first '='") {
    FsParam p = split_fs_param("mode=755");
    CHECK(p.key == "mode");
    CHECK(p.value == "755");
    CHECK(p.has_value);
    p = split_fs_param("newinstance");
    CHECK(p.key == "newinstance");
    CHECK_FALSE(p.has_value);
    p = split_fs_param("lowerdir=/a=b");
    CHECK(p.key == "lowerdir");
    CHECK(p.value == "/a=b");
    p = split_fs_param("key=");
    CHECK(p.has_value);
    CHECK(p.value.empty());
}

TEST_CASE("clean_path is lexical and absolute") {
    CHECK(clean_path("/proc/../proc/") == "/proc");
    CHECK(clean_path("//dev///pts/./") == "/dev/pts");
    CHECK(clean_path("/../../etc") == "/etc");
    CHECK(clean_path("") == "/");
    CHECK(clean_path("/") == "/");
    CHECK(clean_path("dev/shm") == "/dev/shm");
}
