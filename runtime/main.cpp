// crun-lite: the runc-compatible command line.
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <initializer_list>
#include <iostream>
#include <functional>
#include <map>
#include <string_view>

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

// Where the verb is: the first word after the global options.
size_t verb_index(const std::vector<std::string>& args) {
    static const std::initializer_list<const char*> global_values = {"--root", "--log", "--log-format", "--rootless", "--criu"};
    size_t i = 1;
    while (i < args.size() && args[i].rfind("-", 0) == 0) i += takes_value(args[i], global_values) ? 2 : 1;
    return i;
}

// `exec [opts] ID cmd args...` and `ps [opts] ID ps-args...`: everything
// after the id belongs to the command, even words that look like options,
// so it is cut off before CLI11 sees it (as runc's parser stops there).
std::vector<std::string> split_command_tail(std::vector<std::string>& args) {
    static const std::initializer_list<const char*> exec_values = {
        "-p", "--process", "-e", "--env", "--cwd", "-u", "--user", "-g", "--additional-gids", "-c", "--cap",
        "--pid-file", "--console-socket", "--preserve-fds", "--apparmor", "--process-label", "--cgroup", "-f", "--format"};
    size_t i = verb_index(args);
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

// Everything the parsed command line fills in, and what it asks to run.
struct CommandLine {
    GlobalOptions global;
    LogOptions log;
    std::string rootless, criu;
    CreateOptions create;
    ExecOptions exec;
    std::string id;
    std::string signal = "SIGTERM";
    bool kill_all = false;
    bool force = false;
    std::string format = "table";
    bool quiet = false;
    std::vector<std::string> command_tail;  // exec's command, ps's arguments
    std::string resources_file;
    std::map<std::string, std::string> update_flags;
    bool events_stats = false;
    std::string events_interval = "5s";
    std::string spec_bundle = ".";
    bool spec_rootless = false;
    std::function<int()> action;
};

using VerbBuilder = void (*)(CLI::App&, CommandLine&);

CLI::App* add_id_verb(CLI::App& app, CommandLine& c, const char* name, const char* help) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("id", c.id, "container id")->required();
    return cmd;
}

void add_create(CLI::App& app, CommandLine& c) {
    auto* cmd = app.add_subcommand("create", "create a container (it waits for start)");
    add_create_options(cmd, c.create);
    cmd->callback([&c] {
        c.action = [&c] {
            resolve_bundle_argument(c.global, c.create);
            return cmd_create(c.global, c.create);
        };
    });
}

void add_run(CLI::App& app, CommandLine& c) {
    auto* cmd = app.add_subcommand("run", "create and start a container");
    add_create_options(cmd, c.create);
    cmd->add_flag("-d,--detach", c.create.detach, "do not wait for the container");
    cmd->add_flag("--keep", c.create.keep, "keep the container's state after it exits");
    cmd->callback([&c] {
        c.action = [&c] {
            resolve_bundle_argument(c.global, c.create);
            return cmd_run(c.global, c.create);
        };
    });
}

void add_start(CLI::App& app, CommandLine& c) {
    add_id_verb(app, c, "start", "start a created container")->callback([&c] {
        c.action = [&c] { return cmd_start(c.global, c.id); };
    });
}

void add_state(CLI::App& app, CommandLine& c) {
    add_id_verb(app, c, "state", "print a container's state JSON")->callback([&c] {
        c.action = [&c] { return cmd_state(c.global, c.id); };
    });
}

void add_kill(CLI::App& app, CommandLine& c) {
    auto* cmd = add_id_verb(app, c, "kill", "send a signal to a container");
    cmd->add_flag("-a,--all", c.kill_all, "signal every process of the container");
    cmd->add_option("signal", c.signal, "signal name or number (default SIGTERM)");
    cmd->callback([&c] { c.action = [&c] { return cmd_kill(c.global, c.id, c.signal, c.kill_all); }; });
}

void add_delete(CLI::App& app, CommandLine& c) {
    auto* cmd = add_id_verb(app, c, "delete", "delete a container");
    cmd->add_flag("-f,--force", c.force, "kill a running container first");
    cmd->callback([&c] { c.action = [&c] { return cmd_delete(c.global, c.id, c.force); }; });
}

void add_list(CLI::App& app, CommandLine& c) {
    auto* cmd = app.add_subcommand("list", "list containers");
    cmd->alias("ls");
    cmd->add_option("-f,--format", c.format, "table or json");
    cmd->add_flag("-q,--quiet", c.quiet, "ids only");
    cmd->callback([&c] { c.action = [&c] { return cmd_list(c.global, c.format, c.quiet); }; });
}

void add_ps(CLI::App& app, CommandLine& c) {
    auto* cmd = add_id_verb(app, c, "ps", "processes of a container");
    cmd->add_option("-f,--format", c.format, "table or json");
    cmd->callback([&c] { c.action = [&c] { return cmd_ps(c.global, c.id, c.format, c.command_tail); }; });
}

void add_exec(CLI::App& app, CommandLine& c) {
    ExecOptions& o = c.exec;
    auto* cmd = app.add_subcommand("exec", "run a process in a container");
    cmd->add_option("-p,--process", o.process_file, "process.json");
    cmd->add_option("-e,--env", o.env, "NAME=VALUE");
    cmd->add_option("--cwd", o.cwd, "working directory");
    cmd->add_option("-u,--user", o.user, "uid[:gid]");
    cmd->add_option("-g,--additional-gids", o.additional_gids, "supplementary gid");
    cmd->add_option("-c,--cap", o.caps, "capability to add");
    cmd->add_flag("-t,--tty", o.tty, "allocate a pty");
    cmd->add_flag("-d,--detach", o.detach, "do not wait for the process");
    cmd->add_flag("--no-new-privs", o.no_new_privs, "set no_new_privs");
    cmd->add_option("--pid-file", o.pid_file, "file to write the pid to");
    cmd->add_option("--console-socket", o.console_socket, "unix socket for the pty master");
    cmd->add_option("--preserve-fds", o.preserve_fds, "pass N fds after stdio");
    cmd->add_option("id", o.id, "container id")->required();
    cmd->callback([&c] {
        c.action = [&c] {
            c.exec.args = c.command_tail;
            // As runc: a process that could not be started is "exec failed:
            // ..." and status 255, apart from the statuses the process has.
            try {
                return cmd_exec(c.global, c.exec);
            } catch (const std::exception& e) {
                report_error(std::string("exec failed: ") + e.what());
                return 255;
            }
        };
    });
}

void add_pause(CLI::App& app, CommandLine& c) {
    add_id_verb(app, c, "pause", "freeze every process of a container")->callback([&c] {
        c.action = [&c] { return cmd_pause(c.global, c.id); };
    });
}

void add_resume(CLI::App& app, CommandLine& c) {
    add_id_verb(app, c, "resume", "thaw a paused container")->callback([&c] {
        c.action = [&c] { return cmd_resume(c.global, c.id); };
    });
}

void add_update(CLI::App& app, CommandLine& c) {
    auto* cmd = add_id_verb(app, c, "update", "change a container's resource limits");
    cmd->add_option("-r,--resources", c.resources_file, "LinuxResources JSON file, or - for stdin");
    for (const char* flag : {"memory", "memory-swap", "memory-reservation", "kernel-memory", "kernel-memory-tcp",
                             "cpu-shares", "cpu-quota", "cpu-period", "cpu-rt-period", "cpu-rt-runtime",
                             "cpuset-cpus", "cpuset-mems", "pids-limit", "blkio-weight", "cpu-idle",
                             "l3-cache-schema", "mem-bw-schema"}) {
        std::string name = flag;
        cmd->add_option_function<std::string>(
            "--" + name, [&c, name](const std::string& v) { c.update_flags[name] = v; }, name);
    }
    cmd->callback([&c] {
        c.action = [&c] { return cmd_update(c.global, c.id, c.resources_file, c.update_flags); };
    });
}

void add_events(CLI::App& app, CommandLine& c) {
    auto* cmd = add_id_verb(app, c, "events", "resource usage and OOM events of a container");
    cmd->add_flag("--stats", c.events_stats, "print one stats event and exit");
    cmd->add_option("--interval", c.events_interval, "time between stats events (e.g. 5s)");
    cmd->callback([&c] {
        c.action = [&c] { return cmd_events(c.global, c.id, c.events_stats, c.events_interval); };
    });
}

void add_spec(CLI::App& app, CommandLine& c) {
    auto* cmd = app.add_subcommand("spec", "write a default config.json");
    cmd->add_option("-b,--bundle", c.spec_bundle, "bundle directory");
    cmd->add_flag("--rootless", c.spec_rootless, "a config for an unprivileged user");
    cmd->callback([&c] { c.action = [&c] { return cmd_spec(c.spec_bundle, c.spec_rootless); }; });
}

void add_features(CLI::App& app, CommandLine& c) {
    app.add_subcommand("features", "print what this runtime supports (JSON)")->callback([&c] {
        c.action = [] { return cmd_features(); };
    });
}

struct Verb {
    std::string_view name;
    std::string_view alias;
    VerbBuilder build;
};

// In `crun-lite --help` order.
constexpr Verb kVerbs[] = {
    {"create", "", add_create}, {"run", "", add_run},       {"start", "", add_start},
    {"state", "", add_state},   {"kill", "", add_kill},     {"delete", "", add_delete},
    {"list", "ls", add_list},   {"ps", "", add_ps},         {"exec", "", add_exec},
    {"pause", "", add_pause},   {"resume", "", add_resume}, {"update", "", add_update},
    {"events", "", add_events}, {"spec", "", add_spec},     {"features", "", add_features},
};

bool names(const Verb& v, std::string_view word) { return word == v.name || (!v.alias.empty() && word == v.alias); }

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"crun-lite: a small, fast OCI container runtime"};
    app.set_version_flag("-v,--version",
                         std::string("crun-lite version ") + CRUNLITE_VERSION + "\nspec: " + oci::kSpecVersion);
    app.require_subcommand(1);
    app.fallthrough();
    CommandLine c;
    app.add_option("--root", c.global.root, "state directory")->default_val("/run/crun-lite");
    app.add_option("--log", c.log.file, "log file (default: stderr)");
    app.add_option("--log-format", c.log.format, "text or json");
    app.add_flag("--debug", c.log.debug, "debug logging");
    app.add_flag("--systemd-cgroup", c.global.systemd_cgroup, "use systemd to manage cgroups");
    app.add_option("--rootless", c.rootless, "ignored; accepted for runc compatibility");
    app.add_option("--criu", c.criu, "ignored; accepted for runc compatibility");

    std::vector<std::string> args(argv, argv + argc);
    c.command_tail = split_command_tail(args);
    // Building every subcommand's options costs more than parsing one
    // (CLI11 allocates each option): only the verb being run is built,
    // unless the word is not a verb and the help or the error lists them all.
    const size_t at = verb_index(args);
    const std::string_view verb = at < args.size() ? std::string_view(args[at]) : std::string_view();
    const bool known = std::any_of(std::begin(kVerbs), std::end(kVerbs), [&](const Verb& v) { return names(v, verb); });
    for (const Verb& v : kVerbs) {
        if (!known || names(v, verb)) v.build(app, c);
    }

    try {
        std::reverse(args.begin(), args.end());
        args.pop_back();  // CLI11 takes the arguments after the program name, reversed
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        setup_logging(c.log);
        return c.action ? c.action() : 1;
    } catch (const std::exception& e) {
        report_error(e.what());
        return 1;
    }
}
