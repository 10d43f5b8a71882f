#include "runtime/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file.hpp"
#include "cgroups/rootless.hpp"
#include "namespaces/id_maps.hpp"
#include "namespaces/namespaces.hpp"
#include "oci/state.hpp"
#include "oci/version.hpp"
#include "runtime/clone.hpp"
#include "runtime/container_init.hpp"
#include "runtime/device_rules.hpp"
#include "runtime/hooks.hpp"
#include "runtime/process_info.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/sync_channel.hpp"
#include "runtime/terminal.hpp"
#include "runtime/time_format.hpp"

namespace runtime {

namespace {

// Undoes a half-made container: the init is killed and reaped, the cgroup
// removed. Disarmed once the init reports ready.
struct LaunchRollback {
    pid_t pid = 0;
    cgroups::Manager* cgroup = nullptr;
    bool cgroup_created = false;
    const ContainerRecord* record = nullptr;  // its shared rootfs mount, if any
    bool armed = true;

    ~LaunchRollback() {
        if (!armed) return;
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
        if (record && record->shared_rootfs_mount != 0) {
            try {
                rootfs::detach_shared_root(record->rootfs, record->shared_rootfs_mount, record->shared_mount_ns);
            } catch (...) {
            }
        }
        if (cgroup && cgroup_created) {
            try {
                cgroup->destroy();
            } catch (...) {
            }
        }
    }
};

// A container with no cgroup of its own (a rootless caller that cannot
// write the tree) cannot have limits: the first one asked for is an error.
// Root in a user namespace (rootless podman runs its runtime so) is uid 0
// here but unprivileged on the host: the message says which case it is.
void require_no_limits(const oci::Linux& linux, const Rootless& rootless) {
    if (!linux.resources) return;
    if (auto field = cgroups::first_limit(*linux.resources)) {
        const std::string who = rootless.in_user_namespace && !rootless.unprivileged
                                    ? "running as root in a user namespace (unprivileged on the host)"
                                    : "running as uid " + std::to_string(::geteuid());
        throw common::Error(*field + ": cannot be applied: " + who +
                            ", crun-lite cannot create a cgroup on this host (the cgroup tree is not writable "
                            "by this user; a cgroup v2 host with a delegated subtree allows it)");
    }
}

bool has_runtime_hooks(const oci::Spec& spec) {
    return spec.hooks && (!spec.hooks->prestart.empty() || !spec.hooks->createRuntime.empty());
}

}  // namespace

cgroups::Config cgroup_config(const std::string& id, const oci::Spec& spec, bool systemd, bool rootless) {
    cgroups::Config config;
    config.container_id = id;
    if (spec.linux) config.cgroups_path = spec.linux->cgroupsPath;
    config.systemd = systemd;
    config.rootless = rootless;
    return config;
}

Launched launch_container(const LaunchRequest& req) {
    const oci::Spec& spec = *req.spec;
    const oci::Linux& linux = *spec.linux;
    Launched out;
    out.record.id = req.id;
    out.record.bundle = req.bundle;
    out.record.rootfs = req.rootfs;
    out.record.created = now_rfc3339();
    out.record.annotations = spec.annotations;
    out.record.overlay_dir = req.overlay_dir;

    namespaces::Plan plan = namespaces::plan(linux);
    // Who writes the id maps, and whether the caller may map those ids.
    const namespaces::IdMapPlan id_maps = (plan.new_flags & CLONE_NEWUSER)
                                              ? namespaces::plan_id_maps(req.rootless.unprivileged, linux.uidMappings,
                                                                         linux.gidMappings)
                                              : namespaces::IdMapPlan{};

    out.cgroup = cgroups::make_manager(cgroup_config(req.id, spec, req.systemd_cgroup, req.rootless.cgroups));
    if (!out.cgroup) require_no_limits(linux, req.rootless);
    // Before the first side effect: what delete --force needs if this
    // process dies anywhere from here on (the cgroups it is about to make,
    // which hold every process it starts).
    out.record.launching = true;
    if (out.cgroup) out.record.cgroup = out.cgroup->save_planned();
    req.dir->save(out.record);
    LaunchRollback rollback;
    rollback.cgroup = out.cgroup.get();
    if (out.cgroup) {
        out.cgroup->create();
        rollback.cgroup_created = true;
        out.cgroup->apply(effective_resources(linux));
        out.record.cgroup = out.cgroup->save();
    }

    // The init blocks reading this fifo until `start` writes to it. Opened
    // O_RDWR here so the init inherits it and the open never blocks; the
    // init holds it until execve, which is how `start` sees the process
    // started.
    common::UniqueFd fifo;
    if (req.mode == LaunchMode::create) {
        std::string path = req.dir->file("exec.fifo");
        if (::mkfifo(path.c_str(), 0600) < 0) common::throw_errno("mkfifo " + path);
        fifo = common::open_or_throw(path, O_RDWR);
    }

    // pid and time namespaces apply to children only: join or create them
    // here, for the clone alone.
    uint64_t flags = plan.new_flags;
    namespaces::ChildNamespaceScope child_namespaces;
    child_namespaces.enter(plan.joins);
    if (plan.new_time) {
        if (linux.timeOffsets.empty()) {
            flags |= namespaces::clone_flag(oci::NamespaceType::time);
        } else {
            child_namespaces.unshare_time(linux.timeOffsets);
        }
    }

    rootfs::Context rootfs_ctx;
    rootfs_ctx.spec = &spec;
    rootfs_ctx.rootfs = req.rootfs;
    rootfs_ctx.overlay = req.overlay;
    rootfs_ctx.no_pivot = req.no_pivot;
    rootfs_ctx.private_mount_ns = (plan.new_flags & CLONE_NEWNS) != 0;
    if (const oci::Namespace* mnt = oci::find_namespace(linux, oci::NamespaceType::mount)) {
        out.record.shared_mount_ns = mnt->path;
    }
    rollback.record = &out.record;
    // In a user namespace, ours (rootless podman runs us as its root) or the
    // container's: no mknod, and mount flags inherited locked stay.
    rootfs_ctx.user_namespace = oci::find_namespace(linux, oci::NamespaceType::user) != nullptr ||
                                req.rootless.in_user_namespace;
    rootfs_ctx.cgroup_namespace = plan.new_cgroup;
    // Without a cgroup of its own the container is where we are (a "cgroup"
    // mount shows that, as with runc).
    rootfs_ctx.cgroups = out.cgroup ? out.cgroup->hierarchies() : cgroups::caller_hierarchies();

    auto [parent_end, child_end] = SyncChannel::make_pair();
    bool new_user = (plan.new_flags & CLONE_NEWUSER) != 0;
    // The child joins the v1 hierarchies itself, without the grace period a
    // pid written by us would cost (Manager::self_join_files). One born in
    // a new user namespace cannot write the host's cgroup files: that one
    // the runtime moves.
    const int cgroup_fd = out.cgroup ? out.cgroup->clone_into_fd() : -1;
    const std::vector<std::string> tasks_files =
        out.cgroup ? out.cgroup->self_join_files() : std::vector<std::string>{};
    pid_t pid = clone3_process(flags, cgroup_fd);
    if (pid == 0) {
        parent_end.close();
        InitArgs args;
        args.spec = &spec;
        args.plan = &plan;
        args.rootfs = rootfs_ctx;
        args.channel = &child_end;
        args.state_lock_fd = req.dir->lock_fd();
        args.exec_fifo = fifo.release();
        args.preserve_fds = req.preserve_fds;
        args.new_user_namespace = new_user;
        args.rootless = req.rootless.unprivileged;
        if (!new_user) args.cgroup_tasks_files = tasks_files;
        args.has_runtime_hooks = has_runtime_hooks(spec);
        container_init(args);
    }
    rollback.pid = pid;
    child_namespaces.restore();
    child_end.close();
    fifo.reset();
    out.pid = pid;
    out.record.pid = pid;

    if (new_user) namespaces::write_id_mappings(pid, linux.uidMappings, linux.gidMappings, id_maps);
    // Entering the child's mount namespace takes CAP_SYS_ADMIN over it in
    // our own user namespace: root's alone. Without it the child opens the
    // paths itself, with its own credentials.
    if (new_user && rootfs_ctx.private_mount_ns && !req.rootless.unprivileged) {
        std::vector<common::UniqueFd> sources = rootfs::open_host_sources(pid, rootfs_ctx);
        for (size_t i = 0; i < sources.size(); ++i) {
            if (sources[i]) parent_end.send(SyncKind::host_source, std::to_string(i), sources[i].get());
        }
    }
    // A systemd scope is made here, around the pid, before "go" lets the
    // init run anything of the container's.
    if (out.cgroup && (out.cgroup->needs_pid() || (new_user && (cgroup_fd < 0 || !tasks_files.empty()))))
        out.cgroup->add_process(pid);
    // What the scope's start learnt (a unit joined rather than started) is
    // for the state the caller saves.
    if (out.cgroup && out.cgroup->needs_pid()) out.record.cgroup = out.cgroup->save();
    if (spec.process->oomScoreAdj) {
        common::write_file("/proc/" + std::to_string(pid) + "/oom_score_adj",
                           std::to_string(*spec.process->oomScoreAdj));
    }
    // createContainer hooks see "creating" (as in runc); prestart and
    // createRuntime hooks "created", what the validation suite and crun give
    // them; startContainer hooks "created", as runc. A NUL between the two.
    std::string creating = state_json(out.record, oci::Status::creating);
    std::string created = state_json(out.record, oci::Status::created);
    parent_end.send(SyncKind::go, creating + '\0' + created);

    for (;;) {
        std::optional<SyncMessage> msg = parent_end.receive();
        if (!msg) throw common::Error("container init exited during setup");
        if (msg->kind == SyncKind::error) throw common::Error(msg->text);
        if (msg->kind == SyncKind::run_hooks) {
            run_hooks(spec.hooks->prestart, created, "prestart");
            run_hooks(spec.hooks->createRuntime, created, "createRuntime");
            parent_end.send(SyncKind::hooks_done);
        } else if (msg->kind == SyncKind::seccomp_listener) {
            forward_seccomp_listener(*linux.seccomp, pid, msg->text, creating);
            parent_end.send(SyncKind::listener_taken);
        } else if (msg->kind == SyncKind::shared_root) {
            out.record.shared_rootfs_mount = std::stoull(msg->text);
        } else if (msg->kind == SyncKind::terminal) {
            if (!req.console_socket.empty()) {
                send_to_console_socket(req.console_socket, msg->fd.get());
            } else {
                out.pty_master = std::move(msg->fd);
            }
        } else if (msg->kind == SyncKind::ready) {
            break;
        }
    }
    if (req.mode != LaunchMode::create) {
        // The channel closes on a successful execve; an exec failure comes
        // back as an error message instead.
        std::optional<SyncMessage> msg = parent_end.receive();
        if (msg && msg->kind == SyncKind::error) throw common::Error(msg->text);
    }
    auto stat = read_process_stat(pid);
    out.record.pid_start_time = stat ? stat->start_time : 0;
    rollback.armed = false;
    return out;
}

}  // namespace runtime
