// The last touches after pivot_root: masked and read-only paths, the
// read-only root and the root's propagation. `root_fd` is "/" of the
// container (the new root).
#pragma once

#include <string>
#include <vector>

namespace rootfs {

// linux.maskedPaths: a directory gets an empty read-only tmpfs, anything
// else a bind of the container's /dev/null, after checking through the very
// fd that is bound that it is the char device 1:3 (CVE-2025-31133 class).
// Paths that do not exist are skipped.
void mask_paths(int root_fd, const std::vector<std::string>& paths);

// linux.readonlyPaths: a recursive bind onto itself made read-only; flags
// the mount already has (nosuid, nodev, noexec, locked or not) are kept.
void make_paths_readonly(int root_fd, const std::vector<std::string>& paths);

// root.readonly: "/" (only the root mount, not its submounts) read-only.
void make_root_readonly(int root_fd);

// linux.rootfsPropagation applied to the new "/" ("" does nothing).
void apply_root_propagation(int root_fd, const std::string& propagation);

}  // namespace rootfs
