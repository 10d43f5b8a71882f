// The spec's "mounts", performed in order inside the rootfs.
#pragma once

#include <string>

#include "oci/spec.hpp"
#include "rootfs/rootfs.hpp"

namespace rootfs {

// Every entry of ctx.spec->mounts in order; errors name the entry
// ("mounts[3] /dev/shm: mount tmpfs: Invalid argument").
void mount_all(const Context& ctx, int root_fd);

// One entry; `label` starts every error message.
void mount_one(const Context& ctx, int root_fd, const oci::Mount& mount, const std::string& label);

// Destinations below /proc that may be mounted over (lxcfs-style files);
// everything else under /proc is refused, and /proc itself must be procfs.
bool proc_destination_allowed(const std::string& clean_destination);

}  // namespace rootfs
