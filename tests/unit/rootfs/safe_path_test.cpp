// In-root resolution against an image that tries to point outside itself.
// Runs unprivileged: openat2 and mkdirat need no capability.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "rootfs/safe_path.hpp"

namespace fs = std::filesystem;
using namespace rootfs;

namespace {

// A temp dir holding "root/" (the image) and "outside/" (the host), removed
// on every exit path.
struct Sandbox {
    fs::path base;
    fs::path root;
    fs::path outside;
    common::UniqueFd root_fd;

    Sandbox() {
        std::string tmpl = (fs::temp_directory_path() / "rootfs-safe-path-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        base = tmpl;
        root = base / "root";
        outside = base / "outside";
        fs::create_directories(root / "etc");
        fs::create_directories(outside);
        fs::create_directory_symlink("/", root / "etc" / "evil");
        fs::create_directory_symlink("../../..", root / "etc" / "up");
        fs::create_directory_symlink(outside, root / "escape");  // absolute host path
        fs::create_symlink("/nonexistent-target", root / "dangling");
        root_fd.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(root_fd.valid());
    }
    ~Sandbox() {
        std::error_code ec;
        fs::remove_all(base, ec);
    }
};

ino_t inode_of(int fd) {
    struct stat st;
    REQUIRE(::fstat(fd, &st) == 0);
    return st.st_ino;
}

ino_t inode_of(const fs::path& p) {
    struct stat st;
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_ino;
}

}  // namespace

TEST_CASE("resolve_in_root clamps absolute symlinks and .. at the root") {
    Sandbox s;
    CHECK(inode_of(resolve_in_root(s.root_fd.get(), "/etc/evil", "t").get()) == inode_of(s.root));
    CHECK(inode_of(resolve_in_root(s.root_fd.get(), "etc/evil/etc", "t").get()) == inode_of(s.root / "etc"));
    CHECK(inode_of(resolve_in_root(s.root_fd.get(), "../../..", "t").get()) == inode_of(s.root));
    CHECK(inode_of(resolve_in_root(s.root_fd.get(), "/etc/up", "t").get()) == inode_of(s.root));
    // The host directory the symlink names is not reached.
    CHECK_FALSE(resolve_in_root_if_exists(s.root_fd.get(), "/escape", "t").valid());
    CHECK_THROWS_AS(resolve_in_root(s.root_fd.get(), "/escape", "t"), common::Error);
}

TEST_CASE("mkdir_all_in_root creates inside the root whatever the path says") {
    Sandbox s;
    common::UniqueFd d = mkdir_all_in_root(s.root_fd.get(), "/etc/evil/../../../newdir/sub", 0755, "t");
    CHECK(fs::is_directory(s.root / "newdir" / "sub"));
    CHECK(inode_of(d.get()) == inode_of(s.root / "newdir" / "sub"));
    CHECK_FALSE(fs::exists(s.base / "newdir"));

    d = mkdir_all_in_root(s.root_fd.get(), "etc/up/x/y", 0755, "t");
    CHECK(fs::is_directory(s.root / "x" / "y"));

    // An absolute symlink to a host path is followed inside the root: the
    // directories appear under root/<host path>, the host dir stays empty.
    d = mkdir_all_in_root(s.root_fd.get(), "/escape/x", 0755, "t");
    CHECK(fs::is_directory(fs::path(s.root.string() + s.outside.string()) / "x"));
    CHECK(fs::is_empty(s.outside));

    // Existing paths are fine; the root itself too.
    CHECK(inode_of(mkdir_all_in_root(s.root_fd.get(), "/", 0755, "t").get()) == inode_of(s.root));
    CHECK(inode_of(mkdir_all_in_root(s.root_fd.get(), "/etc", 0755, "t").get()) == inode_of(s.root / "etc"));
}

TEST_CASE("mkdir_all_in_root creates a dangling symlink's target in root, refuses files and loops") {
    Sandbox s;
    mkdir_all_in_root(s.root_fd.get(), "/dangling/x", 0755, "t");
    CHECK(fs::is_directory(s.root / "nonexistent-target" / "x"));
    CHECK_FALSE(fs::exists("/nonexistent-target"));
    fs::create_symlink("loop2", s.root / "loop1");
    fs::create_symlink("loop1", s.root / "loop2");
    CHECK_THROWS_AS(mkdir_all_in_root(s.root_fd.get(), "/loop1/x", 0755, "t"), common::Error);

    { std::ofstream(s.root / "file") << "x"; }
    CHECK_THROWS_AS(mkdir_all_in_root(s.root_fd.get(), "/file/sub", 0755, "t"), common::Error);
}

TEST_CASE("ensure_file_in_root makes an empty bind target inside the root") {
    Sandbox s;
    common::UniqueFd f = ensure_file_in_root(s.root_fd.get(), "/etc/evil/a/b/file", 0644, "t");
    CHECK(fs::is_regular_file(s.root / "a" / "b" / "file"));
    CHECK(inode_of(f.get()) == inode_of(s.root / "a" / "b" / "file"));
    // An existing file is reused, a directory is refused.
    CHECK(inode_of(ensure_file_in_root(s.root_fd.get(), "/a/b/file", 0644, "t").get()) ==
          inode_of(s.root / "a" / "b" / "file"));
    CHECK_THROWS_AS(ensure_file_in_root(s.root_fd.get(), "/etc", 0644, "t"), common::Error);
    // A dangling final symlink: its target becomes the file, in root.
    fs::create_symlink("../run/resolv.conf", s.root / "etc" / "resolv.conf");
    ensure_file_in_root(s.root_fd.get(), "/etc/resolv.conf", 0644, "t");
    CHECK(fs::is_regular_file(s.root / "run" / "resolv.conf"));
    CHECK(fs::is_symlink(s.root / "etc" / "resolv.conf"));
    ensure_file_in_root(s.root_fd.get(), "/escape/f", 0644, "t");
    CHECK(fs::is_empty(s.outside));
}

TEST_CASE("split_last") {
    CHECK(split_last("/dev/null", "t") == std::pair<std::string, std::string>{"/dev", "null"});
    CHECK(split_last("/null", "t") == std::pair<std::string, std::string>{"/", "null"});
    CHECK(split_last("dev//pts/./ptmx/", "t") == std::pair<std::string, std::string>{"/dev/pts", "ptmx"});
    CHECK_THROWS_AS(split_last("/", "t"), common::Error);
    CHECK_THROWS_AS(split_last("/dev/..", "t"), common::Error);
}
