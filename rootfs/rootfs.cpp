// prepare/enter/finalize: the order of the steps; each step lives in its
// own file (pivot, mounts, devices, masked).
#include "rootfs/rootfs.hpp"

#include <fcntl.h>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "rootfs/devices.hpp"
#include "rootfs/masked.hpp"
#include "rootfs/mounts.hpp"
#include "rootfs/pivot.hpp"

namespace rootfs {

namespace {

const oci::Spec& spec_of(const Context& ctx) {
    if (ctx.spec == nullptr) throw common::Error("rootfs: no spec given", EINVAL);
    return *ctx.spec;
}

}  // namespace

common::UniqueFd prepare(const Context& ctx, const std::function<void(uint64_t)>& on_shared_root) {
    spec_of(ctx);
    common::UniqueFd root = prepare_root(ctx);
    if (!ctx.private_mount_ns && on_shared_root) on_shared_root(mount_id(root.get()));
    mount_all(ctx, root.get());
    create_devices(ctx, root.get());
    return root;
}

void enter(const Context& ctx, int root_fd) {
    spec_of(ctx);
    enter_root(ctx, root_fd);
}

void finalize(const Context& ctx) {
    const oci::Spec& spec = spec_of(ctx);
    common::UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) common::throw_errno("rootfs: open /");
    apply_deferred_readonly(root.get(), spec);
    if (spec.linux) {
        mask_paths(root.get(), spec.linux->maskedPaths);
        make_paths_readonly(root.get(), spec.linux->readonlyPaths);
    }
    if (spec.root.readonly) make_root_readonly(root.get());
    if (spec.linux) apply_root_propagation(root.get(), spec.linux->rootfsPropagation);
}

}  // namespace rootfs
