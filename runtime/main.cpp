// crun-lite: the runc-compatible command line. The entry point is a
// function, not main, so that the containerd shim runs the very same
// command line in a forked child without exec'ing a second binary.
#include "runtime/cli_main.hpp"

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
#include "runtime/commands.hpp"
#include "runtime/logging.hpp"
#include "runtime/rootless.hpp"
#include "runtime/state_store.hpp"

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
    cmd->add_option("-b,--bundle", o.bundle, "path to the bundle directory (default: the current directory)");
    cmd->add_option("--pid-file", o.pid_file, "file to write the init's pid to");
    cmd->add_option("--console-socket", o.console_socket, "unix socket that receives the pty master");
    cmd->add_option("--preserve-fds", o.preserve_fds, "pass N fds after stdio (and $LISTEN_FDS) to the container");
    cmd->add_flag("--no-pivot", o.no_pivot, "use MS_MOVE + chroot instead of pivot_root");
    cmd->add_flag("--no-new-keyring", o.no_new_keyring, "do not create a new session keyring");
    cmd->add_flag("--overlay", o.overlay, "private writable overlay layer over the rootfs");
    cmd->add_option("--overlay-upper", o.overlay_upper, "keep the overlay's writes in DIR");
    cmd->add_option("container-id", o.id, "container id (or, for run, a bundle path containing '/')")->required();
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
    std::vector<std::string> tail_in_cli;   // the same, when CLI11 saw it (after `--`)
    std::string resources_file;
    std::map<std::string, std::string> update_flags;
    bool events_stats = false;
    std::string events_interval = "5s";
    std::string spec_bundle = ".";
    bool spec_rootless = false;
    std::string help_topic;
    std::vector<std::string> ignored;  // runc flags that change nothing here
    std::function<int()> action;
};

using VerbBuilder = void (*)(CLI::App&, CommandLine&);

CLI::App* add_id_verb(CLI::App& app, CommandLine& c, const char* name, const char* help) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("container-id", c.id, "container id")->required();
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
    // runc's foreground run makes itself a child subreaper so that it reaps
    // what the container orphans; --no-subreaper turns that off. crun-lite
    // never becomes a subreaper: it always behaves as with the flag.
    cmd->add_flag("--no-subreaper")
        ->description("accepted for runc compatibility: crun-lite never becomes a subreaper");
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

// The words after the id (cut off before parsing, see split_command_tail),
// or those CLI11 parsed when `--` came before the id.
std::vector<std::string> command_tail(const CommandLine& c) {
    return c.command_tail.empty() ? c.tail_in_cli : c.command_tail;
}

void add_ps(CLI::App& app, CommandLine& c) {
    auto* cmd = add_id_verb(app, c, "ps", "processes of a container");
    cmd->add_option("-f,--format", c.format, "table or json");
    cmd->add_option("ps-arguments", c.tail_in_cli, "arguments for ps(1) (default -ef)");
    cmd->callback([&c] { c.action = [&c] { return cmd_ps(c.global, c.id, c.format, command_tail(c)); }; });
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
    cmd->add_option("--apparmor", o.apparmor, "AppArmor profile for the process");
    cmd->add_option("--process-label", o.process_label, "SELinux label for the process");
    cmd->add_option("--cgroup", o.cgroups,
                    "run the process in an existing sub-cgroup of the container's: [<controller>:]<path>");
    cmd->add_flag("--ignore-paused", o.ignore_paused, "allow exec in a paused container (it runs on resume)");
    cmd->add_option("container-id", o.id, "container id")->required();
    cmd->add_option("command", c.tail_in_cli, "the command and its arguments (unless --process)");
    cmd->callback([&c] {
        c.action = [&c] {
            c.exec.args = command_tail(c);
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
    // runc 1.1's flags (kernel-memory* are hidden ones it still takes), then
    // crun-lite's own: cpu-shares (the resource's name) and cpu-idle.
    struct Flag {
        const char* flag;
        const char* key;  // cmd_update's name for it
    };
    static constexpr Flag flags[] = {
        {"memory", "memory"},           {"memory-swap", "memory-swap"},
        {"memory-reservation", "memory-reservation"},
        {"kernel-memory", "kernel-memory"}, {"kernel-memory-tcp", "kernel-memory-tcp"},
        {"cpu-share", "cpu-shares"},    {"cpu-quota", "cpu-quota"},
        {"cpu-period", "cpu-period"},   {"cpu-rt-period", "cpu-rt-period"},
        {"cpu-rt-runtime", "cpu-rt-runtime"}, {"cpuset-cpus", "cpuset-cpus"},
        {"cpuset-mems", "cpuset-mems"}, {"pids-limit", "pids-limit"},
        {"blkio-weight", "blkio-weight"}, {"l3-cache-schema", "l3-cache-schema"},
        {"mem-bw-schema", "mem-bw-schema"}, {"cpu-shares", "cpu-shares"},
        {"cpu-idle", "cpu-idle"},
    };
    for (const Flag& f : flags) {
        std::string key = f.key;
        cmd->add_option_function<std::string>(
            std::string("--") + f.flag, [&c, key](const std::string& v) { c.update_flags[key] = v; }, f.flag);
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

void add_version(CLI::App& app, CommandLine& c) {
    app.add_subcommand("version", "print the version (as --version)")->callback([&c] {
        c.action = [] { return cmd_version(); };
    });
}

// checkpoint and restore: runc's verbs and flags, so that a client's call
// fails on what is missing (CRIU support) rather than on its syntax.
void add_not_supported(CLI::App* cmd, CommandLine& c, std::initializer_list<const char*> value_flags,
                       std::initializer_list<const char*> bool_flags) {
    for (const char* f : value_flags) cmd->add_option(f, c.ignored, "accepted for runc compatibility");
    for (const char* f : bool_flags) cmd->add_flag(f)->description("accepted for runc compatibility");
    cmd->add_option("container-id", c.id, "container id")->required();
    const std::string verb = cmd->get_name();
    cmd->callback([&c, verb] {
        c.action = [verb]() -> int {
            throw common::Error(verb + ": not supported: crun-lite has no checkpoint/restore (CRIU) support", ENOTSUP);
        };
    });
}

void add_checkpoint(CLI::App& app, CommandLine& c) {
    add_not_supported(app.add_subcommand("checkpoint", "checkpoint a running container (not supported)"), c,
                      {"--image-path", "--work-path", "--parent-path", "--status-fd", "--page-server",
                       "--manage-cgroups-mode", "--empty-ns"},
                      {"--leave-running", "--tcp-established", "--ext-unix-sk", "--shell-job", "--lazy-pages",
                       "--file-locks", "--pre-dump", "--auto-dedup"});
}

void add_restore(CLI::App& app, CommandLine& c) {
    add_not_supported(app.add_subcommand("restore", "restore a container from a checkpoint (not supported)"), c,
                      {"--console-socket", "--image-path", "--work-path", "--manage-cgroups-mode", "-b,--bundle",
                       "--pid-file", "--empty-ns", "--lsm-profile", "--lsm-mount-context"},
                      {"--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks", "-d,--detach",
                       "--no-subreaper", "--no-pivot", "--auto-dedup", "--lazy-pages"});
}

// `help [VERB]` (and `h`), as runc's: the usage of the runtime or of VERB.
void add_help(CLI::App& app, CommandLine& c) {
    auto* cmd = app.add_subcommand("help", "show the commands, or one command's usage");
    cmd->alias("h");
    cmd->callback([&app, &c] {
        c.action = [&app, &c]() -> int {
            if (c.help_topic.empty()) {
                std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
                return 0;
            }
            for (const CLI::App* sub : app.get_subcommands({})) {
                if (sub->check_name(c.help_topic)) {
                    std::cout << sub->get_formatter()->make_help(sub, app.get_name() + " " + sub->get_name(),
                                                                 CLI::AppFormatMode::Normal);
                    return 0;
                }
            }
            report_error("help: no such command \"" + c.help_topic + "\" (see " + app.get_name() + " --help)");
            return 3;  // runc's status for "No help topic"
        };
    });
}

struct Verb {
    std::string_view name;
    std::string_view alias;
    VerbBuilder build;
};

// In `crun-lite --help` order (runc's, then crun-lite's own).
constexpr Verb kVerbs[] = {
    {"checkpoint", "", add_checkpoint},
    {"create", "", add_create}, {"delete", "", add_delete}, {"events", "", add_events},
    {"exec", "", add_exec},     {"kill", "", add_kill},     {"list", "ls", add_list},
    {"pause", "", add_pause},   {"ps", "", add_ps},         {"restore", "", add_restore},
    {"resume", "", add_resume}, {"run", "", add_run},       {"spec", "", add_spec},
    {"start", "", add_start},   {"state", "", add_state},   {"update", "", add_update},
    {"features", "", add_features}, {"version", "", add_version}, {"help", "h", add_help},
};

bool names(const Verb& v, std::string_view word) { return word == v.name || (!v.alias.empty() && word == v.alias); }

// Exit status of a command line that could not be parsed: 1 as runc's
// "Incorrect Usage", 3 for a word that is no command (runc's "No help
// topic"). The message goes to the log (and stderr) as every error does;
// unlike runc, the usage is not printed on stdout: stdout is the data
// clients parse (state, list, ps, spec), and the message says where the
// usage is.
int usage_error(const CLI::App& app, const CommandLine& c, const CLI::ParseError& e) {
    const std::vector<const CLI::App*> parsed = [&] {
        std::vector<const CLI::App*> out;
        for (const CLI::App* sub : app.get_subcommands({})) {
            if (sub->parsed()) out.push_back(sub);
        }
        return out;
    }();
    const std::string verb = parsed.empty() ? "" : parsed.front()->get_name();
    const std::string where = verb.empty() ? app.get_name() : app.get_name() + " " + verb;
    const std::string see = " (see " + where + " --help)";
    std::string message = where + ": " + e.what() + see;
    int status = 1;
    // Words CLI11 could not place come first, whatever else it found wrong
    // (`run --bogus` is about --bogus, not the missing id).
    const std::vector<std::string> extras = app.remaining(true);
    if (!extras.empty()) {
        const std::string& first = extras.front();
        if (first.size() > 1 && first[0] == '-') {
            message = where + ": unknown flag " + first.substr(0, first.find('=')) + see;
        } else if (verb.empty()) {
            message = app.get_name() + ": unknown command \"" + first + "\"" + see;
            status = 3;
        } else {
            message = where + ": unexpected argument \"" + first + "\"" + see;
        }
    } else if (dynamic_cast<const CLI::RequiredError*>(&e) && !verb.empty()) {
        message = where + ": a container id is required" + see;
    }
    try {
        setup_logging(c.log);
    } catch (const std::exception&) {
        setup_logging(LogOptions{});  // a bad --log or --log-format: stderr
    }
    report_error(message);
    return status;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

}  // namespace

int runtime::cli_main(int argc, char** argv) {
    CLI::App app{"crun-lite: a small, fast OCI container runtime, with runc's command line", "crun-lite"};
    app.set_help_flag("-h,--help", "show help");
    app.set_version_flag("-v,--version", [] { return version_text(); }, "print the version");
    app.fallthrough();
    CommandLine c;
    c.global.root.clear();  // unless given: the default for who runs us, below
    app.add_option("--root", c.global.root,
                   "state directory (default /run/crun-lite; not as root: $XDG_RUNTIME_DIR/crun-lite)");
    app.add_option("--log", c.log.file, "log file (default: stderr)");
    app.add_option("--log-format", c.log.format, "text or json");
    app.add_flag("--debug", c.log.debug, "debug logging");
    app.add_flag("--systemd-cgroup", c.global.systemd_cgroup, "use systemd to manage cgroups");
    app.add_option("--rootless", c.rootless, "true, false or auto (default): a cgroup only where the tree is writable");
    app.add_option("--criu", c.criu, "ignored; accepted for runc compatibility");

    std::vector<std::string> args(argv, argv + argc);
    c.command_tail = split_command_tail(args);
    // Building every subcommand's options costs more than parsing one
    // (CLI11 allocates each option): only the verb being run is built,
    // unless the word is not a verb, or is `help`, and the help or the
    // error lists them all.
    const size_t at = verb_index(args);
    const std::string_view verb = at < args.size() ? std::string_view(args[at]) : std::string_view();
    const bool known = std::any_of(std::begin(kVerbs), std::end(kVerbs), [&](const Verb& v) { return names(v, verb); });
    const bool help = verb == "help" || verb == "h";
    const bool all = !known || help;
    // The word after `help` is its topic, taken here: CLI11 would take a
    // verb's name for that verb.
    if (help && at + 1 < args.size()) {
        c.help_topic = args[at + 1];
        args.resize(at + 1);
    }
    for (const Verb& v : kVerbs) {
        if (all || names(v, verb)) v.build(app, c);
    }

    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11 wants them reversed, no argv[0]
        app.parse(reversed);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // -h, --help, -v, --version: to stdout, status 0
    } catch (const CLI::ParseError& e) {
        return usage_error(app, c, e);
    }
    try {
        setup_logging(c.log);
        // No command: the usage, as runc prints it.
        if (!c.action) {
            std::cout << app.help();
            return 0;
        }
        // Every verb but these keeps state under the root.
        static constexpr std::string_view stateless[] = {"spec", "features", "version", "help", "h",
                                                         "checkpoint", "restore"};
        c.global.rootless = decide_rootless(c.rootless);
        if (c.global.root.empty()) c.global.root = default_state_root(c.global.rootless);
        if (std::find(std::begin(stateless), std::end(stateless), verb) == std::end(stateless))
            require_state_root(c.global.root);
        log_debug([&] {
            return "crun-lite " + std::string(CRUNLITE_VERSION) + ": " +
                   joined(std::vector<std::string>(argv, argv + argc));
        });
        return c.action();
    } catch (const std::exception& e) {
        report_error(e.what());
        return 1;
    }
}
