// One function per CLI verb; each returns the process exit status and
// throws common::Error for failures (main reports them).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/rootless.hpp"

namespace runtime {

struct GlobalOptions {
    std::string root = "/run/crun-lite";
    bool systemd_cgroup = false;
    // Who runs us (runtime/rootless.hpp): decided once in main.
    Rootless rootless;
};

struct CreateOptions {
    std::string id;
    std::string bundle = ".";
    std::string pid_file;
    std::string console_socket;
    int preserve_fds = 0;
    bool no_pivot = false;
    bool no_new_keyring = false;
    bool detach = false;     // run only
    bool keep = false;       // run only: keep the state after exit
    bool overlay = false;
    std::string overlay_upper;
};

struct ExecOptions {
    std::string id;
    std::string process_file;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd;
    std::string user;  // uid[:gid]
    std::vector<std::string> additional_gids;
    std::vector<std::string> caps;
    bool tty = false;
    bool detach = false;
    bool no_new_privs = false;
    std::string pid_file;
    std::string console_socket;
    int preserve_fds = 0;
    std::string apparmor;                // --apparmor: process.apparmorProfile
    std::string process_label;           // --process-label: process.selinuxLabel
    std::vector<std::string> cgroups;    // --cgroup [<controller>:]<sub-cgroup>
    bool ignore_paused = false;          // --ignore-paused
};

int cmd_create(const GlobalOptions& g, CreateOptions o);
int cmd_run(const GlobalOptions& g, CreateOptions o);
int cmd_start(const GlobalOptions& g, const std::string& id);
int cmd_state(const GlobalOptions& g, const std::string& id);
int cmd_kill(const GlobalOptions& g, const std::string& id, const std::string& signal, bool all);
int cmd_delete(const GlobalOptions& g, const std::string& id, bool force);
int cmd_list(const GlobalOptions& g, const std::string& format, bool quiet);
int cmd_ps(const GlobalOptions& g, const std::string& id, const std::string& format,
           const std::vector<std::string>& ps_args);
int cmd_exec(const GlobalOptions& g, ExecOptions o);
int cmd_pause(const GlobalOptions& g, const std::string& id);
int cmd_resume(const GlobalOptions& g, const std::string& id);
// update: `--resources FILE|-` (LinuxResources JSON, as containerd sends
// it) and runc's flags, given as flag name (without dashes) -> value.
int cmd_update(const GlobalOptions& g, const std::string& id, const std::string& resources_file,
               const std::map<std::string, std::string>& flags);
// events: one stats event with `stats`, else a stream every `interval`.
int cmd_events(const GlobalOptions& g, const std::string& id, bool stats, const std::string& interval);
int cmd_spec(const std::string& bundle, bool rootless);
int cmd_features();
// version and --version: runc's shape, "crun-lite version X" first.
std::string version_text();
int cmd_version();

}  // namespace runtime
