// The spec's "mounts", performed in order inside the rootfs.
#pragma once

#include <string>

#include "oci/spec.hpp"
#include "rootfs/rootfs.hpp"

namespace rootfs {

// Every entry of ctx.spec->mounts in order; errors name the entry
// ("mounts[3] /dev/shm: mount tmpfs: Invalid argument").
void mount_all(const Context& ctx, int root_fd);

// One entry; `label` starts every error message. `opened_source`: a
// detached copy of a bind source made by the runtime (taken over), or -1.
// With `defer_readonly` an "ro" filesystem is mounted read-write, for
// apply_deferred_readonly to finish.
void mount_one(const Context& ctx, int root_fd, const oci::Mount& mount, const std::string& label,
               int opened_source = -1, bool defer_readonly = false);

// Whether mounts[index] is a read-only filesystem that something is put
// into after it is mounted (mounts beneath it; devices into /dev), so that
// its read-only flag must come last (runc does this for /dev).
bool readonly_deferred(const oci::Spec& spec, size_t index);
// Makes each such mount read-only, inside the container's root.
void apply_deferred_readonly(int root_fd, const oci::Spec& spec);

// Destinations below /proc that may be mounted over (lxcfs-style files);
// everything else under /proc is refused, and /proc itself must be procfs.
bool proc_destination_allowed(const std::string& clean_destination);

}  // namespace rootfs
