// rootfs against the real kernel. Every case runs in a forked child that
// unshares its mount and pid namespaces and forks again (pid 1 of the new
// pid namespace, so procfs works), makes "/" rprivate, and then drives
// rootfs::prepare/enter/finalize on a copy of a busybox rootfs. The child
// checks from the inside and reports failures as text through a pipe; the
// parent asserts. All mounts die with the child's namespace; the parent
// removes the temp dirs.
#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "rootfs/rootfs.hpp"

namespace fs = std::filesystem;

namespace {

// ---- temp dirs and the busybox image -------------------------------------

struct TempDir {
    fs::path path;
    explicit TempDir(const char* name) {
        std::string tmpl = (fs::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = fs::canonical(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

// Built once per run by tests/support/make-busybox-rootfs.sh, removed at exit.
const fs::path& busybox_image() {
    static TempDir dir("rootfs-kernel-image");
    static bool built = [] {
        std::string cmd = std::string("sh ") + MAKE_BUSYBOX_ROOTFS + " " + dir.path.string() + "/rootfs";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make-busybox-rootfs.sh failed");
        return true;
    }();
    (void)built;
    static fs::path rootfs = dir.path / "rootfs";
    return rootfs;
}

// A fresh copy of the image for one test.
fs::path copy_image(const fs::path& into) {
    fs::path dest = into / "rootfs";
    fs::copy(busybox_image(), dest, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    return dest;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

bool can_run() {
    if (::geteuid() != 0) {
        MESSAGE("skipped: needs root");
        return false;
    }
    return true;
}

// ---- the child side ------------------------------------------------------

struct Report {
    std::string text;
    void check(bool ok, const std::string& what) {
        if (!ok) text += "FAIL " + what + "\n";
    }
    void note(const std::string& line) { text += line + "\n"; }
};

long fs_type(const std::string& path) {
    struct statfs st;
    return ::statfs(path.c_str(), &st) == 0 ? static_cast<long>(st.f_type) : -1;
}

// 0 when open succeeds, else errno.
int open_errno(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    ::close(fd);
    return 0;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int dir_entries(const std::string& path) {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return -1;
    int n = 0;
    while (struct dirent* e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++n;
    ::closedir(d);
    return n;
}

std::string link_of(const std::string& path) {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    return n < 0 ? std::string("<") + std::strerror(errno) + ">" : std::string(buf, static_cast<size_t>(n));
}

bool is_char(const std::string& path, unsigned maj, unsigned min) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
           minor(st.st_rdev) == min;
}

struct Outcome {
    int status = -1;
    std::string report;
};

void write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) return;
        off += static_cast<size_t>(n);
    }
}

// Runs `body` as pid 1 of new mount and pid namespaces; see the file comment.
Outcome in_namespaces(const std::function<void(Report&)>& body) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    std::fflush(nullptr);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        if (::unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) {
            write_all(fds[1], std::string("FAIL unshare: ") + std::strerror(errno) + "\n");
            ::_exit(2);
        }
        pid_t inner = ::fork();
        if (inner == 0) {
            ::alarm(60);  // a hung case dies instead of hanging the run
            Report r;
            try {
                if (::mount(nullptr, "/", nullptr, MS_PRIVATE | MS_REC, nullptr) < 0)
                    throw std::runtime_error("make / rprivate failed");
                body(r);
            } catch (const std::exception& e) {
                r.note(std::string("FAIL exception: ") + e.what());
            }
            write_all(fds[1], r.text);
            ::_exit(r.text.find("FAIL") == std::string::npos ? 0 : 1);
        }
        ::close(fds[1]);
        int st = 0;
        if (inner < 0 || ::waitpid(inner, &st, 0) < 0) ::_exit(3);
        ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    }
    ::close(fds[1]);
    Outcome out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.report.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int st = 0;
    REQUIRE(::waitpid(pid, &st, 0) == pid);
    out.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return out;
}

void expect_clean(const Outcome& o) {
    INFO(o.report);
    CHECK(o.status == 0);
    CHECK(o.report.find("FAIL") == std::string::npos);
}

// ---- specs ---------------------------------------------------------------

oci::Mount mount_of(std::string dest, std::string source, std::string type, std::vector<std::string> options) {
    oci::Mount m;
    m.destination = std::move(dest);
    m.source = std::move(source);
    m.type = std::move(type);
    m.options = std::move(options);
    return m;
}

// runc's default mounts (runc spec).
std::vector<oci::Mount> default_mounts() {
    return {
        mount_of("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
        mount_of("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount_of("/dev/pts", "devpts", "devpts",
                 {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        mount_of("/dev/shm", "shm", "tmpfs", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount_of("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        mount_of("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        mount_of("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };
}

oci::Spec base_spec(const fs::path& rootfs) {
    oci::Spec spec;
    spec.ociVersion = "1.3.0";
    spec.root.path = rootfs.string();
    spec.linux.emplace();
    spec.mounts = default_mounts();
    return spec;
}

rootfs::Context context_of(const oci::Spec& spec) {
    rootfs::Context ctx;
    ctx.spec = &spec;
    ctx.rootfs = spec.root.path;
    return ctx;
}

void run_all(const rootfs::Context& ctx) {
    common::UniqueFd root = rootfs::prepare(ctx);
    rootfs::enter(ctx, root.get());
    rootfs::finalize(ctx);
}

// The error prepare/enter/finalize throws, or "" when they succeed.
std::string error_of(const rootfs::Context& ctx) {
    try {
        run_all(ctx);
    } catch (const common::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a default container: proc, dev, sys, masks, read-only root, binds") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    fs::path rootfs = copy_image(tmp.path);
    fs::path host = tmp.path / "hostdir";
    fs::create_directory(host);
    write_text(host / "hello", "hello from host");

    oci::Spec spec = base_spec(rootfs);
    spec.root.readonly = true;
    spec.mounts.push_back(mount_of("/mnt/host", host.string(), "bind", {"rbind"}));
    spec.mounts.push_back(mount_of("/mnt/ro", host.string(), "none", {"bind", "ro", "nosuid"}));
    spec.mounts.push_back(mount_of("/etc/hello", (host / "hello").string(), "bind", {"bind", "ro"}));
    spec.linux->maskedPaths = {"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware",
                               "/proc/does-not-exist"};
    spec.linux->readonlyPaths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    oci::Device fuse;
    fuse.path = "/dev/mydev";
    fuse.type = "c";
    fuse.major = 1;
    fuse.minor = 5;
    fuse.fileMode = 0600;
    fuse.uid = 1000;
    fuse.gid = 1001;
    spec.linux->devices.push_back(fuse);
    rootfs::Context ctx = context_of(spec);

    Outcome o = in_namespaces([&](Report& r) {
        run_all(ctx);
        r.check(::getpid() == 1, "pid 1 in the new pid namespace");
        r.check(fs_type("/proc") == PROC_SUPER_MAGIC, "/proc is procfs");
        r.check(link_of("/proc/self") == "1", "/proc/self is 1, got " + link_of("/proc/self"));
        r.check(fs_type("/dev") == TMPFS_MAGIC, "/dev is tmpfs");
        r.check(fs_type("/dev/pts") == DEVPTS_SUPER_MAGIC, "/dev/pts is devpts");
        r.check(fs_type("/dev/shm") == TMPFS_MAGIC, "/dev/shm is tmpfs");
        r.check(fs_type("/dev/mqueue") == 0x19800202, "/dev/mqueue is mqueue");
        r.check(fs_type("/sys") == SYSFS_MAGIC, "/sys is sysfs");
        r.check(fs_type("/sys/fs/cgroup") == TMPFS_MAGIC, "/sys/fs/cgroup is a tmpfs");
        r.check(::mkdir("/sys/fs/cgroup/x", 0755) < 0 && errno == EROFS, "/sys/fs/cgroup is read-only");
        struct statfs sys;
        r.check(::statfs("/sys", &sys) == 0 && (sys.f_flags & ST_RDONLY), "/sys is read-only");
        r.check(open_errno("/sys/kernel/profiling", O_WRONLY) == EROFS || !fs::exists("/sys/kernel/profiling"),
                "/sys files are read-only");
        // Writable tmpfs mounts stay writable under a read-only root.
        r.check(open_errno("/dev/shm/x", O_WRONLY | O_CREAT) == 0, "/dev/shm is writable");

        // Masked paths.
        r.check(fs::exists("/proc/timer_list") && read_all("/proc/timer_list").empty(), "masked /proc/timer_list reads empty");
        r.check(read_all("/proc/keys").empty(), "masked /proc/keys reads empty");
        r.check(dir_entries("/proc/acpi") == 0, "masked /proc/acpi is empty");
        r.check(dir_entries("/sys/firmware") == 0, "masked /sys/firmware is empty");
        r.check(open_errno("/proc/acpi/x", O_WRONLY | O_CREAT) == EROFS, "masked dir is read-only");

        // Read-only paths and root.
        r.check(open_errno("/proc/sys/kernel/hostname", O_WRONLY) == EROFS, "/proc/sys is read-only");
        r.check(open_errno("/newfile", O_WRONLY | O_CREAT) == EROFS, "/ is read-only");
        r.check(open_errno("/tmp/newfile", O_WRONLY | O_CREAT) == EROFS, "/tmp on the read-only root");

        // Devices and links.
        r.check(is_char("/dev/null", 1, 3), "/dev/null is char 1:3");
        r.check(is_char("/dev/urandom", 1, 9), "/dev/urandom is char 1:9");
        r.check(is_char("/dev/tty", 5, 0), "/dev/tty is char 5:0");
        struct stat st;
        r.check(::stat("/dev/null", &st) == 0 && (st.st_mode & 07777) == 0666, "/dev/null mode 0666");
        r.check(is_char("/dev/mydev", 1, 5), "/dev/mydev is char 1:5");
        r.check(::stat("/dev/mydev", &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_uid == 1000 &&
                    st.st_gid == 1001,
                "/dev/mydev mode 0600 owner 1000:1001");
        r.check(link_of("/dev/fd") == "/proc/self/fd", "/dev/fd -> /proc/self/fd");
        r.check(link_of("/dev/stdin") == "/proc/self/fd/0", "/dev/stdin");
        r.check(link_of("/dev/stderr") == "/proc/self/fd/2", "/dev/stderr");
        r.check(link_of("/dev/ptmx") == "pts/ptmx", "/dev/ptmx -> pts/ptmx, got " + link_of("/dev/ptmx"));
        r.check(open_errno("/dev/null", O_WRONLY) == 0, "/dev/null is usable (nodev not set on /dev)");

        // Bind mounts.
        r.check(read_all("/mnt/host/hello") == "hello from host", "rbind shows the host file");
        r.check(open_errno("/mnt/host/new", O_WRONLY | O_CREAT) == 0, "rbind is writable");
        r.check(read_all("/mnt/ro/hello") == "hello from host", "ro bind shows the host file");
        r.check(open_errno("/mnt/ro/other", O_WRONLY | O_CREAT) == EROFS, "ro bind is read-only");
        struct statfs sfs;
        r.check(::statfs("/mnt/ro", &sfs) == 0 && (sfs.f_flags & ST_NOSUID), "ro bind is nosuid");
        r.check(read_all("/etc/hello") == "hello from host", "file bind shows the host file");
        r.check(open_errno("/etc/hello", O_WRONLY) == EROFS, "file bind is read-only");
        r.check(access("/bin/busybox", X_OK) == 0, "the image is the root");
    });
    expect_clean(o);
    CHECK(fs::exists(host / "new"));     // written through the rbind
    CHECK_FALSE(fs::exists(host / "other"));
    CHECK(fs::is_regular_file(rootfs / "etc" / "hello"));  // the empty bind target
}

TEST_CASE("mount destinations through symlinks land inside the rootfs") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    fs::path rootfs = copy_image(tmp.path);
    TempDir outside("rootfs-kernel-outside");  // what the image's symlink names
    fs::create_directory_symlink(outside.path, rootfs / "evil");
    fs::create_directory_symlink("../../../../..", rootfs / "up");
    TempDir hostdir("rootfs-kernel-src");
    write_text(hostdir.path / "file", "payload");

    oci::Spec spec = base_spec(rootfs);
    spec.mounts.push_back(mount_of("/evil/x", "tmpfs", "tmpfs", {"size=1m"}));
    spec.mounts.push_back(mount_of("/up/up/y", hostdir.path.string(), "bind", {"bind"}));
    spec.mounts.push_back(mount_of("/evil/file", (hostdir.path / "file").string(), "bind", {"bind"}));
    rootfs::Context ctx = context_of(spec);
    const std::string inside = outside.path.string();  // same path, seen inside the container

    Outcome o = in_namespaces([&](Report& r) {
        common::UniqueFd root = rootfs::prepare(ctx);
        // Before pivot the host paths are still visible in this namespace:
        // nothing may have been mounted or created there.
        r.check(fs_type(inside) != TMPFS_MAGIC || inside.rfind("/tmp", 0) == 0, "host dir untouched");
        r.check(dir_entries(inside) == 0, "host dir " + inside + " is still empty");
        r.check(!fs::exists(tmp.path.parent_path() / "y"), "no y above the rootfs");
        rootfs::enter(ctx, root.get());
        rootfs::finalize(ctx);
        r.check(fs_type(inside + "/x") == TMPFS_MAGIC, "tmpfs at <rootfs>" + inside + "/x");
        r.check(fs_type("/evil/x") == TMPFS_MAGIC, "/evil/x reaches it inside");
        r.check(dir_entries("/y") == 1 && read_all("/y/file") == "payload", "bind through ../.. lands at /y");
        r.check(read_all("/evil/file") == "payload", "file bind through the symlink");
    });
    expect_clean(o);
    CHECK(fs::is_empty(outside.path));
    CHECK(fs::is_directory(rootfs / outside.path.relative_path() / "x"));
    CHECK(fs::is_directory(rootfs / "y"));
}

TEST_CASE("overlay: writes land in the upper layer, the rootfs is untouched") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    fs::path rootfs = copy_image(tmp.path);
    fs::create_directory(tmp.path / "upper");
    fs::create_directory(tmp.path / "work");
    oci::Spec spec = base_spec(rootfs);
    rootfs::Context ctx = context_of(spec);
    ctx.overlay = rootfs::OverlayLayer{(tmp.path / "upper").string(), (tmp.path / "work").string()};

    Outcome o = in_namespaces([&](Report& r) {
        run_all(ctx);
        r.check(fs_type("/") == OVERLAYFS_SUPER_MAGIC, "/ is an overlay");
        std::ofstream("/root/newfile") << "from the container";
        r.check(read_all("/root/newfile") == "from the container", "write in the container");
        r.check(::unlink("/bin/cat") == 0, "delete a lower file");
        r.check(fs_type("/proc") == PROC_SUPER_MAGIC, "/proc is procfs");
    });
    expect_clean(o);
    CHECK(fs::exists(tmp.path / "upper" / "root" / "newfile"));
    CHECK_FALSE(fs::exists(rootfs / "root" / "newfile"));
    CHECK(fs::is_symlink(rootfs / "bin" / "cat"));
    // The mount points the mounts needed are made in the upper layer too.
    CHECK_FALSE(fs::exists(rootfs / "dev" / "pts"));
}

TEST_CASE("a fake /proc is refused") {
    if (!can_run()) return;
    SUBCASE("tmpfs on /proc") {
        TempDir tmp("rootfs-kernel");
        oci::Spec spec = base_spec(copy_image(tmp.path));
        spec.mounts[0] = mount_of("/proc", "tmpfs", "tmpfs", {});
        rootfs::Context ctx = context_of(spec);
        Outcome o = in_namespaces([&](Report& r) {
            std::string err = error_of(ctx);
            r.note("error: " + err);
            r.check(err.find("mounts[0] /proc") != std::string::npos && err.find("procfs") != std::string::npos,
                    "refused with a clear error");
        });
        expect_clean(o);
    }
    SUBCASE("bind of a non-proc dir on /proc") {
        TempDir tmp("rootfs-kernel");
        oci::Spec spec = base_spec(copy_image(tmp.path));
        spec.mounts[0] = mount_of("/proc", tmp.path.string(), "bind", {"rbind"});
        rootfs::Context ctx = context_of(spec);
        Outcome o = in_namespaces([&](Report& r) {
            std::string err = error_of(ctx);
            r.note("error: " + err);
            r.check(err.find("not a procfs") != std::string::npos, "refused");
        });
        expect_clean(o);
    }
    SUBCASE("/proc in the image is a symlink") {
        TempDir tmp("rootfs-kernel");
        fs::path rootfs = copy_image(tmp.path);
        fs::remove(rootfs / "proc");
        fs::create_directory_symlink("/tmp", rootfs / "proc");
        oci::Spec spec = base_spec(rootfs);
        rootfs::Context ctx = context_of(spec);
        Outcome o = in_namespaces([&](Report& r) {
            std::string err = error_of(ctx);
            r.note("error: " + err);
            r.check(err.find("symlink") != std::string::npos, "refused");
        });
        expect_clean(o);
    }
    SUBCASE("a mount under /proc that is not an allowed file") {
        TempDir tmp("rootfs-kernel");
        oci::Spec spec = base_spec(copy_image(tmp.path));
        spec.mounts.push_back(mount_of("/proc/sys/kernel/core_pattern", "/dev/null", "bind", {"bind"}));
        rootfs::Context ctx = context_of(spec);
        Outcome o = in_namespaces([&](Report& r) {
            std::string err = error_of(ctx);
            r.note("error: " + err);
            r.check(err.find("not allowed") != std::string::npos, "refused");
        });
        expect_clean(o);
    }
    SUBCASE("a destination that reaches procfs through a symlink") {
        TempDir tmp("rootfs-kernel");
        fs::path rootfs = copy_image(tmp.path);
        fs::create_directory_symlink("/proc/sys/kernel", rootfs / "innocent");
        oci::Spec spec = base_spec(rootfs);
        spec.mounts.push_back(mount_of("/innocent/core_pattern", "/dev/null", "bind", {"bind"}));
        rootfs::Context ctx = context_of(spec);
        Outcome o = in_namespaces([&](Report& r) {
            std::string err = error_of(ctx);
            r.note("error: " + err);
            r.check(err.find("resolves into procfs") != std::string::npos, "refused");
        });
        expect_clean(o);
    }
}

TEST_CASE("devices in the image's own /dev replace planted symlinks") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    fs::path rootfs = copy_image(tmp.path);
    fs::create_symlink("/etc/passwd", rootfs / "dev" / "null");
    fs::create_symlink("/etc/group", rootfs / "dev" / "fd");
    oci::Spec spec;
    spec.root.path = rootfs.string();
    spec.linux.emplace();
    spec.mounts = {mount_of("/proc", "proc", "proc", {})};
    spec.linux->maskedPaths = {"/proc/timer_list"};
    rootfs::Context ctx = context_of(spec);
    Outcome o = in_namespaces([&](Report& r) {
        run_all(ctx);
        r.check(is_char("/dev/null", 1, 3), "/dev/null replaced by the device");
        r.check(read_all("/proc/timer_list").empty(), "masked with the real /dev/null");
        // An existing /dev entry is left alone, never followed.
        r.check(link_of("/dev/fd") == "/etc/group", "/dev/fd left as the image has it");
    });
    expect_clean(o);
    CHECK(fs::is_regular_file(rootfs / "etc" / "passwd"));
    CHECK(fs::file_size(rootfs / "etc" / "passwd") > 0);
}

TEST_CASE("masking with a /dev/null that is not the null device is refused") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    fs::path rootfs = copy_image(tmp.path);
    fs::path fakedev = tmp.path / "fakedev";
    fs::create_directory(fakedev);
    write_text(fakedev / "null", "not null");
    oci::Spec spec;
    spec.root.path = rootfs.string();
    spec.linux.emplace();
    // /dev bound from a directory: no device setup, so its "null" stays.
    spec.mounts = {mount_of("/proc", "proc", "proc", {}), mount_of("/dev", fakedev.string(), "bind", {"rbind"})};
    spec.linux->maskedPaths = {"/proc/timer_list"};
    rootfs::Context ctx = context_of(spec);
    Outcome o = in_namespaces([&](Report& r) {
        std::string err = error_of(ctx);
        r.note("error: " + err);
        r.check(err.find("not the null device") != std::string::npos, "refused");
    });
    expect_clean(o);
}

TEST_CASE("no_pivot: MS_MOVE and chroot") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    oci::Spec spec = base_spec(copy_image(tmp.path));
    spec.root.readonly = true;
    rootfs::Context ctx = context_of(spec);
    ctx.no_pivot = true;
    Outcome o = in_namespaces([&](Report& r) {
        run_all(ctx);
        r.check(fs_type("/proc") == PROC_SUPER_MAGIC, "/proc is procfs");
        r.check(access("/bin/busybox", X_OK) == 0, "the image is the root");
        r.check(open_errno("/newfile", O_WRONLY | O_CREAT) == EROFS, "/ is read-only");
        char cwd[256];
        r.check(::getcwd(cwd, sizeof cwd) && std::string(cwd) == "/", "cwd is /");
    });
    expect_clean(o);
}

TEST_CASE("errors name the spec entry and the kernel's reason") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    oci::Spec spec = base_spec(copy_image(tmp.path));
    spec.mounts.push_back(mount_of("/bad", "tmpfs", "tmpfs", {"size=lots"}));
    rootfs::Context ctx = context_of(spec);
    Outcome o = in_namespaces([&](Report& r) {
        std::string err = error_of(ctx);
        r.note("error: " + err);
        r.check(err.rfind("mounts[7] /bad: mount tmpfs", 0) == 0, "names mounts[7] /bad");
        r.check(err.find("Invalid argument") != std::string::npos, "errno text");
    });
    expect_clean(o);
    MESSAGE(o.report);
}

TEST_CASE("tmpcopyup copies the image's content into the new tmpfs") {
    if (!can_run()) return;
    TempDir tmp("rootfs-kernel");
    fs::path rootfs = copy_image(tmp.path);
    fs::create_directories(rootfs / "data" / "sub");
    write_text(rootfs / "data" / "sub" / "f", "kept");
    fs::create_symlink("sub/f", rootfs / "data" / "link");
    oci::Spec spec = base_spec(rootfs);
    spec.mounts.push_back(mount_of("/data", "tmpfs", "tmpfs", {"tmpcopyup", "mode=700"}));
    rootfs::Context ctx = context_of(spec);
    Outcome o = in_namespaces([&](Report& r) {
        run_all(ctx);
        r.check(fs_type("/data") == TMPFS_MAGIC, "/data is tmpfs");
        r.check(read_all("/data/sub/f") == "kept", "content copied");
        r.check(link_of("/data/link") == "sub/f", "symlink copied as a link");
        std::ofstream("/data/sub/f") << "changed";
    });
    expect_clean(o);
    CHECK(fs::file_size(rootfs / "data" / "sub" / "f") == 4);  // the image kept "kept"
}

TEST_CASE("cgroup mount on a v1/hybrid host binds the container's hierarchies") {
    if (!can_run()) return;
    // Uses this process's own cgroups, bound read-only: nothing is created.
    std::vector<cgroups::Hierarchy> hierarchies;
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        // "4:memory:/path" or "0::/path"
        size_t a = line.find(':'), b = line.find(':', a + 1);
        std::string name = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (name == "memory") hierarchies.push_back({name, "/sys/fs/cgroup/" + name + path, false});
        // Shown under a co-mounted name, whatever this host does, to check
        // the cpu -> cpu,cpuacct links.
        if (name == "cpu") hierarchies.push_back({"cpu,cpuacct", "/sys/fs/cgroup/cpu" + path, false});
        if (name.empty() && fs::exists("/sys/fs/cgroup/unified"))
            hierarchies.push_back({"unified", "/sys/fs/cgroup/unified" + path, true});
    }
    if (hierarchies.size() < 2) {
        MESSAGE("skipped: not a v1/hybrid host");
        return;
    }
    TempDir tmp("rootfs-kernel");
    oci::Spec spec = base_spec(copy_image(tmp.path));
    rootfs::Context ctx = context_of(spec);
    ctx.cgroups = hierarchies;
    Outcome o = in_namespaces([&](Report& r) {
        run_all(ctx);
        r.check(fs_type("/sys/fs/cgroup") == TMPFS_MAGIC, "tmpfs at /sys/fs/cgroup");
        r.check(fs_type("/sys/fs/cgroup/memory") == CGROUP_SUPER_MAGIC, "memory hierarchy");
        r.check(fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"), "memory files");
        r.check(link_of("/sys/fs/cgroup/cpu") == "cpu,cpuacct", "cpu -> cpu,cpuacct");
        r.check(link_of("/sys/fs/cgroup/cpuacct") == "cpu,cpuacct", "cpuacct -> cpu,cpuacct");
        r.check(fs::exists("/sys/fs/cgroup/cpu/cpu.shares"), "cpu files through the link");
        r.check(open_errno("/sys/fs/cgroup/memory/memory.limit_in_bytes", O_WRONLY) == EROFS, "read-only");
        if (fs::exists("/sys/fs/cgroup/unified"))
            r.check(fs_type("/sys/fs/cgroup/unified") == CGROUP2_SUPER_MAGIC, "unified hierarchy");
    });
    expect_clean(o);
}
