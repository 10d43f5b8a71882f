// create and run: validate, claim the id, launch the init, record it.
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>


#include "common/error.hpp"
#include "common/file.hpp"
#include "oci/parse.hpp"
#include "runtime/commands.hpp"
#include "runtime/container_ops.hpp"
#include "runtime/foreground.hpp"
#include "runtime/hooks.hpp"
#include "runtime/launch.hpp"
#include "runtime/logging.hpp"
#include "runtime/support_check.hpp"

namespace runtime {

namespace {

std::string real_path(const std::string& path, const std::string& what) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) common::throw_errno(what + " " + path);
    return buf;
}

bool is_inside(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                           path[dir.size()] == '/');
}

struct Prepared {
    oci::Spec spec;
    std::string config_text;
    std::string bundle;
    std::string rootfs;
};

// Everything that can be checked before the first side effect.
Prepared prepare(const CreateOptions& o, LaunchMode mode) {
    Prepared p;
    p.bundle = real_path(o.bundle, "bundle");
    p.config_text = common::read_file(p.bundle + "/config.json");
    p.spec = oci::parse_spec(p.config_text);
    check_supported(p.spec);
    // runc resolves a relative bind source against the bundle, not the
    // caller's cwd.
    for (auto& m : p.spec.mounts) {
        bool bind = m.type == "bind" || std::find(m.options.begin(), m.options.end(), "bind") != m.options.end() ||
                    std::find(m.options.begin(), m.options.end(), "rbind") != m.options.end();
        if (bind && !m.source.empty() && m.source[0] != '/') m.source = p.bundle + "/" + m.source;
    }
    const std::string& root = p.spec.root.path;
    p.rootfs = real_path(root[0] == '/' ? root : p.bundle + "/" + root, "root.path");
    // A relative root.path names something in the bundle; a symlink that
    // leads out of it is refused rather than followed.
    if (root[0] != '/' && !is_inside(p.rootfs, p.bundle)) {
        throw common::Error("root.path: " + root + " resolves to " + p.rootfs + ", outside the bundle " + p.bundle);
    }
    struct stat st;
    if (::stat(p.rootfs.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) {
        throw common::Error("root.path: " + p.rootfs + " is not a directory");
    }
    if (p.spec.process->terminal && o.console_socket.empty() && mode != LaunchMode::run_foreground) {
        throw common::Error("process.terminal: a detached container with a terminal needs --console-socket");
    }
    if (o.preserve_fds < 0) throw common::Error("--preserve-fds: must not be negative");
    return p;
}

// systemd socket activation: the fds the caller was given (LISTEN_FDS) are
// handed on after stdio, and the container is told about them, as runc does.
int pass_listen_fds(oci::Process& process) {
    const char* value = std::getenv("LISTEN_FDS");
    if (!value || !*value) return 0;
    int count = std::atoi(value);
    if (count <= 0) return 0;
    process.env.push_back("LISTEN_FDS=" + std::to_string(count));
    process.env.push_back("LISTEN_PID=1");
    return count;
}

// Removes the claimed state dir unless the container came to life.
struct ClaimGuard {
    const StateStore& store;
    std::string id;
    bool armed = true;
    ~ClaimGuard() {
        if (armed) {
            try {
                store.remove(id);
            } catch (...) {
            }
        }
    }
};

void make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) < 0 && errno != EEXIST) common::throw_errno("mkdir " + path);
}

// --overlay: upper and work dirs in the state dir (removed with it);
// --overlay-upper DIR: the writes stay in DIR, the work dir beside it.
void plan_overlay(const CreateOptions& o, const ContainerDir& dir, LaunchRequest& req) {
    if (!o.overlay && o.overlay_upper.empty()) return;
    rootfs::OverlayLayer layer;
    if (o.overlay_upper.empty()) {
        make_dir(dir.file("overlay"));
        layer.upper = dir.file("overlay/upper");
        layer.work = dir.file("overlay/work");
    } else {
        make_dir(o.overlay_upper);
        layer.upper = real_path(o.overlay_upper, "--overlay-upper");
        if (is_inside(layer.upper, req.rootfs) || is_inside(req.rootfs, layer.upper)) {
            throw common::Error("--overlay-upper " + layer.upper + ": must not overlap the rootfs " + req.rootfs);
        }
        layer.work = layer.upper + ".crun-lite-work-" + req.id;
        req.overlay_dir = layer.work;
    }
    make_dir(layer.upper);
    make_dir(layer.work);
    req.overlay = layer;
}

// --debug: what the config asks for, before anything is made.
void log_plan(const CreateOptions& o, const Prepared& p) {
    log_debug([&] {
        return "config: " + p.bundle + "/config.json loaded (ociVersion " + p.spec.ociVersion + "), container " +
               o.id + ", rootfs " + p.rootfs;
    });
    log_debug([&] {
        std::string list;
        for (const auto& ns : p.spec.linux->namespaces) {
            list += std::string(list.empty() ? "" : ", ") + oci::to_string(ns.type) +
                    (ns.path.empty() ? " (new)" : " (join " + ns.path + ")");
        }
        return "namespaces: " + (list.empty() ? std::string("none (the host's)") : list);
    });
    log_debug([&] {
        return "cgroup: cgroupsPath " + p.spec.linux->cgroupsPath.value_or("(none: the default)");
    });
}

// --debug: what the launch made.
void log_launched(const Container& c, pid_t pid) {
    log_debug([&] { return "container " + c.record.id + ": init pid " + std::to_string(pid); });
    log_debug([&] {
        std::string dirs;
        if (c.cgroup) {
            for (const auto& h : c.cgroup->hierarchies()) dirs += " " + h.path;
        }
        return "cgroup:" + (dirs.empty() ? std::string(" none") : dirs);
    });
}

void write_pid_file(const std::string& path, pid_t pid) {
    if (!path.empty()) common::write_file_atomic(path, std::to_string(pid), 0644);
}

int create_or_run(const GlobalOptions& g, CreateOptions& o, LaunchMode mode) {
    Prepared p = prepare(o, mode);
    log_plan(o, p);
    // A bad "slice:prefix:name" or a host without systemd fails here,
    // before the id is claimed: nothing to clean up.
    if (g.systemd_cgroup) cgroups::preflight(cgroup_config(o.id, p.spec, true, g.rootless.cgroups));
    std::optional<ForegroundWaiter> waiter;
    if (mode == LaunchMode::run_foreground) waiter.emplace();

    StateStore store(g.root);
    ContainerDir dir = store.claim(o.id);
    ClaimGuard guard{store, o.id};
    common::write_file_atomic(dir.file("config.json"), p.config_text);

    LaunchRequest req;
    req.spec = &p.spec;
    req.id = o.id;
    req.bundle = p.bundle;
    req.rootfs = p.rootfs;
    req.dir = &dir;
    req.mode = mode;
    req.console_socket = o.console_socket;
    req.preserve_fds = o.preserve_fds + pass_listen_fds(*p.spec.process);
    req.no_pivot = o.no_pivot;
    req.rootless = g.rootless;
    req.systemd_cgroup = g.systemd_cgroup;
    plan_overlay(o, dir, req);

    Launched launched = launch_container(req);
    const oci::Hooks* hooks = p.spec.hooks ? &*p.spec.hooks : nullptr;
    launched.record.has_poststart_hooks = hooks && !hooks->poststart.empty();
    launched.record.has_poststop_hooks = hooks && !hooks->poststop.empty();
    launched.record.launching = false;
    Container c{std::move(dir), std::move(launched.record), std::move(launched.cgroup)};
    try {
        c.dir.save(c.record);
        write_pid_file(o.pid_file, launched.pid);
    } catch (...) {
        destroy_container(store, c);
        guard.armed = false;
        throw;
    }
    guard.armed = false;
    log_launched(c, launched.pid);
    if (mode == LaunchMode::create) return 0;

    if (hooks) run_hooks_warn(hooks->poststart, c.state_json(oci::Status::running), "poststart");
    if (mode == LaunchMode::run_detached) return 0;

    // kill, state, exec and ps must work while we wait.
    c.dir.unlock();
    int status = waiter->wait(launched.pid, launched.pty_master.get());
    log_debug([&] { return "container " + o.id + ": process exited, status " + std::to_string(status); });
    if (!o.keep && store.exists(o.id)) {
        Container again = open_container(store, o.id);
        destroy_container(store, again);
    }
    return status;
}

}  // namespace

int cmd_create(const GlobalOptions& g, CreateOptions o) { return create_or_run(g, o, LaunchMode::create); }

int cmd_run(const GlobalOptions& g, CreateOptions o) {
    return create_or_run(g, o, o.detach ? LaunchMode::run_detached : LaunchMode::run_foreground);
}

int cmd_start(const GlobalOptions& g, const std::string& id) {
    StateStore store(g.root);
    Container c = open_container(store, id);
    oci::Status status = c.status();
    if (status == oci::Status::stopped) throw common::Error("cannot start a container that has stopped: container not running");
    if (status != oci::Status::created) {
        throw common::Error(std::string("cannot start a container in the ") + oci::to_string(status) + " state");
    }
    const std::string fifo = c.dir.file("exec.fifo");
    // A read end of our own, opened before the write end: the kernel reports
    // a hangup only to a reader that has seen a writer come after it. We
    // never read from it, so the init gets the byte.
    common::UniqueFd reader = common::open_or_throw(fifo, O_RDONLY | O_NONBLOCK);
    common::write_fd(common::open_or_throw(fifo, O_WRONLY | O_NONBLOCK).get(), "0", fifo);
    ::unlink(fifo.c_str());
    // The init keeps its end open until it execs the process (or dies): the
    // hangup means the process has started, and poststart hooks may run.
    struct pollfd hangup = {reader.get(), 0, 0};
    while (::poll(&hangup, 1, -1) < 0) {
        if (errno != EINTR) common::throw_errno("wait for the container's process to start");
    }
    int unread = 0;
    if (::ioctl(reader.get(), FIONREAD, &unread) == 0 && unread > 0) {
        throw common::Error("container not running: its init is gone");
    }
    if (c.record.has_poststart_hooks) {
        oci::Spec spec = c.saved_spec();
        run_hooks_warn(spec.hooks->poststart, c.state_json(oci::Status::running), "poststart");
    }
    return 0;
}

}  // namespace runtime
