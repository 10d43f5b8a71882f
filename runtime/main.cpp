// crun-lite: the runc-compatible command line.
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <initializer_list>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include "common/error.hpp"
#include "oci/version.hpp"
#include "runtime/commands.hpp"
#include "runtime/logging.hpp"
#include "runtime/state_store.hpp"

#ifndef CRUNLITE_VERSION
#define CRUNLITE_VERSION "0.0.0"
#endif

using namespace runtime;

namespace {

// `run bundle/`: an argument with a '/' is a bundle (ids cannot hold one);
// the id is the bundle directory's name, made valid and unique.
void resolve_bundle_argument(const GlobalOptions& g, CreateOptions& o) {
    if (o.id.find('/') == std::string::npos) return;
    o.bundle = o.id;
    char buf[PATH_MAX];
    std::string base = ::realpath(o.bundle.c_str(), buf) ? ::basename(buf) : "container";
    for (char& c : base) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '+' && c != '-' && c != '.') c = '-';
    }
    if (base.empty() || base[0] == '.') base = "c" + base;
    StateStore store(g.root);
    std::string id = base;
    for (int n = 2; store.exists(id); ++n) id = base + "-" + std::to_string(n);
    o.id = id;
}

bool takes_value(const std::string& arg, std::initializer_list<const char*> options) {
    if (arg.find('=') != std::string::npos) return false;
    for (const char* o : options) {
        if (arg == o) return true;
    }
    return false;
}

// `exec [opts] ID cmd args...` and `ps [opts] ID ps-args...`: everything
// after the id belongs to the command, even words that look like options,
// so it is cut off before CLI11 sees it (as runc's parser stops there).
std::vector<std::string> split_command_tail(std::vector<std::string>& args) {
    static const std::initializer_list<const char*> global_values = {"--root", "--log", "--log-format", "--rootless", "--criu"};
    static const std::initializer_list<const char*> exec_values = {
        "-p", "--process", "-e", "--env", "--cwd", "-u", "--user", "-g", "--additional-gids", "-c", "--cap",
        "--pid-file", "--console-socket", "--preserve-fds", "--apparmor", "--process-label", "--cgroup", "-f", "--format"};
    size_t i = 1;
    while (i < args.size() && args[i].rfind("-", 0) == 0) i += takes_value(args[i], global_values) ? 2 : 1;
    if (i >= args.size() || (args[i] != "exec" && args[i] != "ps")) return {};
    for (++i; i < args.size(); ++i) {
        if (args[i] == "--") return {};
        if (args[i].rfind("-", 0) == 0) {
            if (takes_value(args[i], exec_values)) ++i;
            continue;
        }
        break;  // the id
    }
    if (i + 1 >= args.size()) return {};
    std::vector<std::string> tail(args.begin() + static_cast<long>(i) + 1, args.end());
    args.resize(i + 1);
    if (!tail.empty() && tail[0] == "--") tail.erase(tail.begin());
    return tail;
}

void add_create_options(CLI::App* cmd, CreateOptions& o) {
    cmd->add_option("-b,--bundle", o.bundle, "path to the bundle directory");
    cmd->add_option("--pid-file", o.pid_file, "file to write the init's pid to");
    cmd->add_option("--console-socket", o.console_socket, "unix socket that receives the pty master");
    cmd->add_option("--preserve-fds", o.preserve_fds, "pass N fds after stdio to the container");
    cmd->add_flag("--no-pivot", o.no_pivot, "use MS_MOVE + chroot instead of pivot_root");
    cmd->add_flag("--no-new-keyring", o.no_new_keyring, "do not create a new session keyring");
    cmd->add_flag("--overlay", o.overlay, "private writable overlay layer over the rootfs");
    cmd->add_option("--overlay-upper", o.overlay_upper, "keep the overlay's writes in DIR");
    cmd->add_option("id", o.id, "container id (or, for run, a bundle path containing '/')")->required();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"crun-lite: a small, fast OCI container runtime"};
    app.set_version_flag("-v,--version",
                         std::string("crun-lite version ") + CRUNLITE_VERSION + "\nspec: " + oci::kSpecVersion);
    app.require_subcommand(1);
    app.fallthrough();
    GlobalOptions g;
    LogOptions log;
    std::string rootless, criu;
    app.add_option("--root", g.root, "state directory")->default_val("/run/crun-lite");
    app.add_option("--log", log.file, "log file (default: stderr)");
    app.add_option("--log-format", log.format, "text or json");
    app.add_flag("--debug", log.debug, "debug logging");
    app.add_flag("--systemd-cgroup", g.systemd_cgroup, "use systemd to manage cgroups");
    app.add_option("--rootless", rootless, "ignored; accepted for runc compatibility");
    app.add_option("--criu", criu, "ignored; accepted for runc compatibility");

    std::function<int()> action;

    CreateOptions create_opts;
    auto* create = app.add_subcommand("create", "create a container (it waits for start)");
    add_create_options(create, create_opts);
    create->callback([&] {
        action = [&] {
            resolve_bundle_argument(g, create_opts);
            return cmd_create(g, create_opts);
        };
    });

    CreateOptions run_opts;
    auto* run = app.add_subcommand("run", "create and start a container");
    add_create_options(run, run_opts);
    run->add_flag("-d,--detach", run_opts.detach, "do not wait for the container");
    run->add_flag("--keep", run_opts.keep, "keep the container's state after it exits");
    run->callback([&] {
        action = [&] {
            resolve_bundle_argument(g, run_opts);
            return cmd_run(g, run_opts);
        };
    });

    std::string id;
    auto* start = app.add_subcommand("start", "start a created container");
    start->add_option("id", id)->required();
    start->callback([&] { action = [&] { return cmd_start(g, id); }; });

    auto* state = app.add_subcommand("state", "print a container's state JSON");
    state->add_option("id", id)->required();
    state->callback([&] { action = [&] { return cmd_state(g, id); }; });

    std::string signal = "SIGTERM";
    bool kill_all = false;
    auto* kill = app.add_subcommand("kill", "send a signal to a container");
    kill->add_flag("-a,--all", kill_all, "signal every process of the container");
    kill->add_option("id", id)->required();
    kill->add_option("signal", signal);
    kill->callback([&] { action = [&] { return cmd_kill(g, id, signal, kill_all); }; });

    bool force = false;
    auto* del = app.add_subcommand("delete", "delete a container");
    del->add_flag("-f,--force", force, "kill a running container first");
    del->add_option("id", id)->required();
    del->callback([&] { action = [&] { return cmd_delete(g, id, force); }; });

    std::string format = "table";
    bool quiet = false;
    auto* list = app.add_subcommand("list", "list containers");
    list->alias("ls");
    list->add_option("-f,--format", format, "table or json");
    list->add_flag("-q,--quiet", quiet, "ids only");
    list->callback([&] { action = [&] { return cmd_list(g, format, quiet); }; });

    auto* ps = app.add_subcommand("ps", "processes of a container");
    ps->add_option("-f,--format", format, "table or json");
    ps->add_option("id", id)->required();
    std::vector<std::string> args(argv, argv + argc);
    std::vector<std::string> command_tail = split_command_tail(args);
    ps->callback([&] { action = [&] { return cmd_ps(g, id, format, command_tail); }; });

    ExecOptions exec_opts;
    auto* exec = app.add_subcommand("exec", "run a process in a container");
    exec->add_option("-p,--process", exec_opts.process_file, "process.json");
    exec->add_option("-e,--env", exec_opts.env, "NAME=VALUE");
    exec->add_option("--cwd", exec_opts.cwd, "working directory");
    exec->add_option("-u,--user", exec_opts.user, "uid[:gid]");
    exec->add_option("-g,--additional-gids", exec_opts.additional_gids, "supplementary gid");
    exec->add_option("-c,--cap", exec_opts.caps, "capability to add");
    exec->add_flag("-t,--tty", exec_opts.tty, "allocate a pty");
    exec->add_flag("-d,--detach", exec_opts.detach, "do not wait for the process");
    exec->add_flag("--no-new-privs", exec_opts.no_new_privs, "set no_new_privs");
    exec->add_option("--pid-file", exec_opts.pid_file, "file to write the pid to");
    exec->add_option("--console-socket", exec_opts.console_socket, "unix socket for the pty master");
    exec->add_option("--preserve-fds", exec_opts.preserve_fds, "pass N fds after stdio");
    exec->add_option("id", exec_opts.id)->required();
    exec->callback([&] {
        action = [&] {
            exec_opts.args = command_tail;
            return cmd_exec(g, exec_opts);
        };
    });

    auto* pause = app.add_subcommand("pause", "freeze every process of a container");
    pause->add_option("id", id)->required();
    pause->callback([&] { action = [&] { return cmd_pause(g, id); }; });
    auto* resume = app.add_subcommand("resume", "thaw a paused container");
    resume->add_option("id", id)->required();
    resume->callback([&] { action = [&] { return cmd_resume(g, id); }; });

    std::string resources_file;
    std::map<std::string, std::string> update_flags;
    auto* update = app.add_subcommand("update", "change a container's resource limits");
    update->add_option("-r,--resources", resources_file, "LinuxResources JSON file, or - for stdin");
    for (const char* flag : {"memory", "memory-swap", "memory-reservation", "kernel-memory", "kernel-memory-tcp",
                             "cpu-shares", "cpu-quota", "cpu-period", "cpu-rt-period", "cpu-rt-runtime",
                             "cpuset-cpus", "cpuset-mems", "pids-limit", "blkio-weight", "cpu-idle",
                             "l3-cache-schema", "mem-bw-schema"}) {
        std::string name = flag;
        update->add_option_function<std::string>(
            "--" + name, [&update_flags, name](const std::string& v) { update_flags[name] = v; }, name);
    }
    update->add_option("id", id)->required();
    update->callback([&] { action = [&] { return cmd_update(g, id, resources_file, update_flags); }; });

    bool events_stats = false;
    std::string events_interval = "5s";
    auto* events = app.add_subcommand("events", "resource usage and OOM events of a container");
    events->add_flag("--stats", events_stats, "print one stats event and exit");
    events->add_option("--interval", events_interval, "time between stats events (e.g. 5s)");
    events->add_option("id", id)->required();
    events->callback([&] { action = [&] { return cmd_events(g, id, events_stats, events_interval); }; });

    std::string spec_bundle = ".";
    bool spec_rootless = false;
    auto* spec = app.add_subcommand("spec", "write a default config.json");
    spec->add_option("-b,--bundle", spec_bundle, "bundle directory");
    spec->add_flag("--rootless", spec_rootless, "a config for an unprivileged user");
    spec->callback([&] { action = [&] { return cmd_spec(spec_bundle, spec_rootless); }; });

    auto* features = app.add_subcommand("features", "print what this runtime supports (JSON)");
    features->callback([&] { action = [&] { return cmd_features(); }; });

    try {
        std::reverse(args.begin(), args.end());
        args.pop_back();  // CLI11 takes the arguments after the program name, reversed
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        setup_logging(log);
        return action ? action() : 1;
    } catch (const std::exception& e) {
        report_error(e.what());
        return 1;
    }
}
