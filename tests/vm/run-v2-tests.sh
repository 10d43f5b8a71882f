#!/bin/bash
# The cgroup v2 checks on a real cgroup2-only kernel: boots Debian's kernel
# under qemu (TCG, no KVM needed) with an initramfs holding busybox, the
# built crun-lite and its libraries, a busybox bundle and v2-checks.sh, then
# reads the verdict from the serial console.
#
#   CRUNLITE=build/crun-lite tests/vm/run-v2-tests.sh
#
# Needs root only for apt-get (when something is missing). Leaves nothing
# behind but the cached uncompressed kernel ($CRUNLITE_VM_CACHE, default
# /var/tmp/crun-lite-vm), which saves the guest 2-3 s of decompression.
set -euo pipefail

CRUN=${CRUNLITE:?CRUNLITE must point at the built crun-lite binary}
CRUN=$(realpath "$CRUN")
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${CRUNLITE_VM_CACHE:-/var/tmp/crun-lite-vm}
TIMEOUT=${CRUNLITE_VM_TIMEOUT:-170}

need=()
ls /boot/vmlinuz-* >/dev/null 2>&1 || need+=(linux-image-amd64)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
    echo "# installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${need[@]}" >&2
fi

WORK=$(mktemp -d /tmp/crun-lite-vm.XXXXXX)
qemu_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- the kernel: the newest installed vmlinuz, its XZ payload unpacked ------
. "$HERE/lib.sh"
vm_unpack_kernel "$CACHE" || { echo "not ok - $VM_ERROR"; exit 1; }
kver=$VM_KVER
kernel=$VM_KERNEL

# --- the initramfs -------------------------------------------------------------
R="$WORK/initramfs"
mkdir -p "$R"/{bin,dev,proc,sys,tmp,newroot,lib/modules,etc}
cp /bin/busybox "$R/bin/busybox"
for applet in $("$R/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$R/bin/$applet"
done
ln -s bin "$R/sbin"
mkdir -p "$R/usr"
ln -s ../bin "$R/usr/bin"
ln -s ../bin "$R/usr/sbin"
# Dynamically linked tools with every library they load, at the same paths.
copy_with_libs() {
    local bin=$1 dest=$2
    install -D -m 0755 "$bin" "$R$dest"
    # Debug info would only slow the guest's unpacking and copying.
    strip --strip-debug "$R$dest" 2>/dev/null || true
    for lib in $(ldd "$bin" | awk '/=> \// {print $3} /^\t\// {print $1}'); do
        [ -e "$R$lib" ] || install -D -m 0755 "$(realpath "$lib")" "$R$lib"
    done
}
copy_with_libs "$CRUN" /bin/crun-lite
copy_with_libs "$(command -v jq)" /bin/jq
# util-linux setpriv (busybox has a setpriv applet without --reuid)
copy_with_libs "$(command -v setpriv)" /bin/setpriv-util-linux
# Modules the guest loads (in this order; Debian builds them as modules):
# overlay, and virtio + virtio-mmio + virtio-blk for the disk io.max needs.
vm_copy_modules "$kver" "$R/lib/modules" overlay virtio virtio_ring virtio_mmio virtio_blk
"$TOP/tests/support/make-busybox-rootfs.sh" "$R/bundle/rootfs" >/dev/null
install -m 0755 "$HERE/guest-init.sh" "$R/init"
install -m 0755 "$HERE/guest-stage2.sh" "$R/stage2"
install -m 0755 "$HERE/v2-checks.sh" "$R/v2-checks.sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
(cd "$R" && find . | cpio -o -H newc --quiet) > "$WORK/initramfs.cpio"

# A small disk, for the io.max (throttle) check: it needs a block device.
truncate -s 4M "$WORK/disk.img"

# --- boot ------------------------------------------------------------------------
tsc_khz=$(vm_tsc_khz)
append="console=ttyS0 quiet loglevel=3 panic=-1 tsc_early_khz=$tsc_khz rdinit=/init cgroup_no_v1=all"
vm_boot "$TIMEOUT" 256M "$kernel" "$WORK/initramfs.cpio" "$append" "$WORK/console.log" \
    "id=disk,file=$WORK/disk.img,format=raw,if=none"

if ! vm_judge "$WORK/console.log" '# v2 checks done'; then
    echo "not ok - the guest did not finish (qemu status $VM_QEMU_STATUS after ${VM_ELAPSED}s); console:"
    tail -n 40 "$WORK/console.log.txt" | sed 's/^/    /'
    exit 1
fi
echo "$VM_PASSED passed, $VM_FAILED failed (VM: ${VM_ELAPSED}s, kernel $kver, accel $VM_ACCEL)"
[ "$VM_FAILED" -eq 0 ] && [ "$VM_PASSED" -gt 0 ]
