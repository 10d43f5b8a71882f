// The shim's unix socket: where it lives (/run/containerd/s/, as
// containerd's own shims), making it, and reaching an existing one.
#pragma once

#include <string>

#include "common/unique_fd.hpp"

namespace shim {

// "/run/containerd/s/crun-lite-<hash of address, namespace and group>":
// fixed for a container (or, later, a pod's group), short enough for
// sun_path whatever the ids.
std::string socket_path(const std::string& containerd_address, const std::string& ns, const std::string& group);
common::UniqueFd listen_unix(const std::string& path);
bool can_connect(const std::string& path);
// "unix:///path" -> "/path"
std::string strip_unix_scheme(const std::string& address);

}  // namespace shim
