#!/bin/bash
# The systemd cgroup driver test: boots a Debian 12 guest whose PID 1 is
# systemd 252 (cgroup v2, or hybrid with CRUNLITE_SD_HIERARCHY=hybrid)
# under qemu (TCG, no KVM needed) and runs sd-checks.sh in it against the
# built crun-lite, and against runc (the reference) with the same checks.
#
#   CRUNLITE=build/crun-lite tests/vm/run-systemd-tests.sh
#
# The guest's root is an ext4 image built once by build-systemd-guest.sh
# and cached under $CRUNLITE_VM_CACHE (default /var/tmp/crun-lite-vm),
# with the uncompressed kernel; qemu -snapshot keeps it pristine. Each
# boot brings the binary and the checks in a small initramfs, which loads
# the disk drivers, mounts the image and hands over to systemd. Needs root
# for apt-get (when something is missing) and the first image build.
set -euo pipefail

CRUN=${CRUNLITE:?CRUNLITE must point at the built crun-lite binary}
CRUN=$(realpath "$CRUN")
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${CRUNLITE_VM_CACHE:-/var/tmp/crun-lite-vm}
TIMEOUT=${CRUNLITE_VM_TIMEOUT:-420}
HIERARCHY=${CRUNLITE_SD_HIERARCHY:-unified}

need=()
ls /boot/vmlinuz-* >/dev/null 2>&1 || need+=(linux-image-amd64)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
if [ ${#need[@]} -gt 0 ]; then
    echo "# installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${need[@]}" >&2
fi

WORK=$(mktemp -d /tmp/crun-lite-sdvm.XXXXXX)
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

# --- the kernel: the newest installed vmlinuz, unpacked (shared cache) ---------
. "$HERE/lib.sh"
vm_unpack_kernel "$CACHE" || { echo "not ok - $VM_ERROR"; exit 1; }
kver=$VM_KVER
kernel=$VM_KERNEL

# --- the guest's root (built once, then cached) ---------------------------------
build_start=$(date +%s)
image=$("$HERE/build-systemd-guest.sh" "$kver" | tail -n 1)  # its last line is the path
build_time=$(($(date +%s) - build_start))

# --- the initramfs: busybox, the disk modules, the payload ----------------------
R="$WORK/initramfs"
mkdir -p "$R"/{bin,dev,proc,sys,newroot,lib/modules,payload}
cp /bin/busybox "$R/bin/busybox"
for applet in sh mount umount insmod switch_root sleep cp mkdir cat tr sed ls; do
    ln -sf busybox "$R/bin/$applet"
done
modules="virtio_ring virtio virtio_mmio virtio_blk crc16 mbcache jbd2 crc32c_generic ext4"
vm_copy_modules "$kver" "$R/lib/modules" $modules
install -m 0755 "$CRUN" "$R/payload/crun-lite"
strip --strip-debug "$R/payload/crun-lite" 2>/dev/null || true
install -m 0755 "$HERE/sd-guest-run.sh" "$R/payload/guest-run.sh"
install -m 0755 "$HERE/sd-checks.sh" "$R/payload/sd-checks.sh"
# The containers' busybox rootfs, made here: its hundreds of symlinks cost
# 20 s of TCG time when the guest makes them.
"$TOP/tests/support/make-busybox-rootfs.sh" "$R/payload/rootfs" >/dev/null
cat > "$R/init" <<EOF
#!/bin/sh
# PID 1 of the initramfs: the disk drivers, the root image, the payload,
# then systemd.
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for mod in $modules; do
    params=\$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^\$mod\\.//p")
    [ -f /lib/modules/\$mod.ko ] && insmod /lib/modules/\$mod.ko \$params 2>/dev/null
done
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
mount -t ext4 /dev/vda /newroot || { echo "initramfs: cannot mount /dev/vda"; exec sh; }
mkdir -p /newroot/opt/crunlite
cp -a /payload/. /newroot/opt/crunlite/
umount /proc
umount /dev
exec switch_root /newroot /sbin/init
EOF
chmod 0755 "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet) > "$WORK/initramfs.cpio"

# --- boot ------------------------------------------------------------------------
tsc_khz=$(vm_tsc_khz)
case "$HIERARCHY" in
    unified) cg="systemd.unified_cgroup_hierarchy=1" ;;
    hybrid) cg="systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0" ;;
    *) echo "not ok - CRUNLITE_SD_HIERARCHY must be unified or hybrid"; exit 1 ;;
esac
append="console=ttyS0 quiet loglevel=3 panic=-1 tsc_early_khz=$tsc_khz rdinit=/init $cg"
append="$append systemd.show_status=0 systemd.log_level=warning crunlite.hierarchy=$HIERARCHY"
vm_boot "$TIMEOUT" 1G "$kernel" "$WORK/initramfs.cpio" "$append" "$WORK/console.log" \
    "id=disk,file=$image,format=raw,if=none,snapshot=on"

judged=0
vm_judge "$WORK/console.log" '# systemd checks done' || judged=$?
[ -n "${CRUNLITE_VM_CONSOLE:-}" ] && cp "$WORK/console.log.txt" "$CRUNLITE_VM_CONSOLE"
if [ "$judged" -ne 0 ]; then
    echo "not ok - the guest did not finish (qemu status $VM_QEMU_STATUS after ${VM_ELAPSED}s); console:"
    tail -n 60 "$WORK/console.log.txt" | sed 's/^/    /'
    exit 1
fi
echo "# guest image: $image (ready in ${build_time}s); VM ${VM_ELAPSED}s, kernel $kver, $HIERARCHY cgroups, accel $VM_ACCEL"
echo "$VM_PASSED passed, $VM_FAILED failed"
[ "$VM_FAILED" -eq 0 ] && [ "$VM_PASSED" -gt 0 ]
