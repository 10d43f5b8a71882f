// The shim's command line as containerd writes it (Go's flag package):
// `-namespace NS -address ADDR -publish-binary BIN -id ID [-bundle DIR]
// [-debug] [start|delete]`; `--flag`, `-flag=value` are accepted as Go does.
#pragma once

#include <string>
#include <vector>

namespace shim {

struct Flags {
    std::string ns, address, publish_binary, id, bundle, socket;
    bool debug = false, version = false;
    std::string action;  // "start", "delete", or empty: the daemon
};

// Throws common::Error naming the bad argument.
Flags parse_flags(const std::vector<std::string>& args);

}  // namespace shim
