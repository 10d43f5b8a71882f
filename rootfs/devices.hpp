// Device nodes and the /dev symlinks of runtime-linux.md.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "rootfs/rootfs.hpp"

namespace rootfs {

// /dev/null, zero, full, random, urandom, tty: char devices, 0666, root.
std::vector<oci::Device> default_devices();

// False when the config bind-mounts /dev: its content is the source's then.
bool needs_dev_setup(const oci::Spec& spec);

// Default devices (unless linux.devices names the same path), then
// linux.devices, then the symlinks. mknod with fileMode/uid/gid, or in a
// user namespace a bind of the host's node onto an empty file. Every path is
// resolved in root and the last component is never followed: a symlink the
// image put at /dev/null is replaced, not written through.
void create_devices(const Context& ctx, int root_fd);

// One device; `label` names it in errors ("linux.devices[2] /dev/fuse").
void create_device(int root_fd, const oci::Device& device, bool bind_host, const std::string& label);

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/core (when the host
// has /proc/kcore) and, with a devpts on /dev/pts, /dev/ptmx -> pts/ptmx.
void create_dev_symlinks(int root_fd, bool devpts_mounted);

}  // namespace rootfs
