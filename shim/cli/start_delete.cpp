#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/file.hpp"
#include "shim/cli/commands.hpp"
#include "shim/cli/socket.hpp"
#include "shim/proto/task_messages.hpp"
#include "shim/service/rootfs_mounts.hpp"
#include "shim/service/runtime_cli.hpp"
#include "shim/service/spawn.hpp"

namespace shim {
namespace {

std::string current_dir() {
    char buffer[PATH_MAX];
    if (!getcwd(buffer, sizeof buffer)) common::throw_errno("getcwd");
    return buffer;
}

void write_out(const std::string& text) {
    if (fwrite(text.data(), 1, text.size(), stdout) != text.size() || fflush(stdout) != 0)
        common::throw_errno("write stdout");
}

}  // namespace

std::string shim_group(const std::string& id) {
    // One shim per pod, as containerd's runc shim: CRI marks every
    // container of a sandbox with the sandbox's id.
    const auto config = common::read_file_if_exists("config.json");
    if (!config) return id;
    const auto spec = nlohmann::json::parse(*config, nullptr, false);
    if (spec.is_discarded() || !spec.is_object()) return id;
    const auto annotations = spec.find("annotations");
    if (annotations == spec.end() || !annotations->is_object()) return id;
    const auto sandbox = annotations->find("io.kubernetes.cri.sandbox-id");
    if (sandbox == annotations->end() || !sandbox->is_string() || sandbox->get<std::string>().empty()) return id;
    return sandbox->get<std::string>();
}

std::string default_runtime_root() {
    const char* root = getenv("CRUNLITE_SHIM_ROOT");
    return root && *root ? root : "/run/containerd/crun-lite";
}

int run_start(const Flags& flags) {
    if (flags.id.empty() || flags.ns.empty()) throw common::Error("start needs -id and -namespace");
    // containerd reads start's combined output as the address: nothing else
    // may be printed, not even a warning.
    const std::string group = shim_group(flags.id);
    const std::string path = socket_path(flags.address, flags.ns, group);
    const std::string address = "unix://" + path;
    if (access(path.c_str(), F_OK) == 0) {
        if (can_connect(path)) {
            common::write_file_atomic(current_dir() + "/address", address, 0644);
            write_out(address);
            return 0;
        }
        unlink(path.c_str());  // a dead shim's
    }
    common::UniqueFd listener = listen_unix(path);
    // Exec'd by its own path (not /proc/self/exe), so the daemon's name in
    // ps, pgrep and /proc/PID/comm is the shim's, as for containerd's shims.
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) common::throw_errno("readlink /proc/self/exe");
    const std::string name(self, static_cast<size_t>(n));
    std::vector<std::string> args = {name, "-namespace", flags.ns, "-id", flags.id, "-address", flags.address,
                                     "-publish-binary", flags.publish_binary};
    if (flags.debug) args.push_back("-debug");
    SpawnSpec spec{name, args, -1, -1, -1, {listener.get()}, true};
    try {
        spawn(spec);  // the daemon outlives us; containerd's reaper gets it
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    common::write_file_atomic(current_dir() + "/address", address, 0644);
    write_out(address);
    return 0;
}

int run_delete(const Flags& flags) {
    const std::string bundle = flags.bundle.empty() ? current_dir() : flags.bundle;
    if (flags.id.empty()) throw common::Error("delete needs -id");
    auto recorded = common::read_file_if_exists(bundle + "/crun-lite-root");
    const std::string root = recorded ? *recorded : default_runtime_root() + "/" + flags.ns;
    // containerd runs `delete` after every shim exit, a clean Shutdown
    // included: skip the runtime when it holds nothing of this container.
    if (access((root + "/" + flags.id).c_str(), F_OK) == 0) {
        RuntimeCli runtime(find_runtime_binary(), root, bundle + "/log.json", false);
        try {
            runtime.remove(flags.id, true);
        } catch (const RuntimeError& e) {
            // containerd shows delete's stderr as a warning.
            if (!mentions_not_found(e.what())) fprintf(stderr, "%s\n", e.what());
        }
    }
    unmount_rootfs(bundle);
    if (auto address = common::read_file_if_exists(bundle + "/address")) {
        const std::string path = strip_unix_scheme(*address);
        // A pod's shim still serving other containers keeps its socket.
        if (path.rfind("/run/containerd/s/crun-lite-", 0) == 0 && !can_connect(path)) unlink(path.c_str());
    }
    // What containerd records for a task whose shim died: killed (SIGKILL).
    write_out(shimproto::encode(shimproto::DeleteResponse{0, 128 + 9, shimproto::timestamp_now()}));
    return 0;
}

}  // namespace shim
