#include "runtime/rootless.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/file.hpp"

namespace runtime {

namespace {

// The host's user namespace maps every id to itself: "0 0 4294967295".
bool in_initial_user_namespace() {
    std::optional<std::string> map;
    try {
        map = common::read_file_if_exists("/proc/self/uid_map");
    } catch (const common::Error&) {
    }
    if (!map) return true;  // no user namespaces in this kernel
    std::string fields;
    bool space = true;
    for (char ch : *map) {
        const bool blank = ch == ' ' || ch == '\t' || ch == '\n';
        if (!blank) fields += ch;
        else if (!space) fields += ' ';
        space = blank;
    }
    while (!fields.empty() && fields.back() == ' ') fields.pop_back();
    return fields == "0 0 4294967295";
}

}  // namespace

Rootless decide_rootless(const std::string& flag) {
    Rootless r;
    r.unprivileged = ::geteuid() != 0;
    r.in_user_namespace = !r.unprivileged && !in_initial_user_namespace();
    if (flag == "true") {
        r.cgroups = true;
    } else if (flag == "false") {
        r.cgroups = false;
    } else if (flag.empty() || flag == "auto") {
        r.cgroups = r.unprivileged || r.in_user_namespace;
    } else {
        throw common::Error("--rootless: must be true, false or auto, not \"" + flag + "\"");
    }
    // runc's rule: "root" in a user namespace keeps its state under
    // XDG_RUNTIME_DIR too, unless it is a real root login (USER=root).
    const char* xdg = ::getenv("XDG_RUNTIME_DIR");
    const char* user = ::getenv("USER");
    r.xdg_state_root = r.unprivileged ||
                       (r.in_user_namespace && xdg && xdg[0] != '\0' && (!user || std::strcmp(user, "root") != 0));
    return r;
}

std::string default_state_root(const Rootless& decision) {
    if (!decision.xdg_state_root) return "/run/crun-lite";
    const char* dir = ::getenv("XDG_RUNTIME_DIR");
    if (dir == nullptr || dir[0] != '/') return "";
    return std::string(dir) + "/crun-lite";
}

void require_state_root(const std::string& root) {
    if (!root.empty()) return;
    throw common::Error("XDG_RUNTIME_DIR is not set (or not an absolute path): running as uid " +
                        std::to_string(::geteuid()) +
                        ", crun-lite keeps its state in $XDG_RUNTIME_DIR/crun-lite; set it or give --root DIR");
}

}  // namespace runtime
