#!/bin/bash
# Builds (once) the Debian 12 guest the systemd cgroup driver test boots:
# an ext4 image whose PID 1 is systemd 252, with dbus, runc, podman and
# containerd to compare with and to drive crun-lite. Prints the image's
# path. The image is cached under $CRUNLITE_VM_CACHE (default
# /var/tmp/crun-lite-vm) by a key made of this script and the kernel
# version, so a changed recipe or kernel builds a new one (old ones are
# removed). About 2 minutes with Debian's mirror; nothing else needed.
#
#   tests/vm/build-systemd-guest.sh KERNEL_VERSION
set -euo pipefail

kver=${1:?usage: build-systemd-guest.sh KERNEL_VERSION}
CACHE=${CRUNLITE_VM_CACHE:-/var/tmp/crun-lite-vm}
mkdir -p "$CACHE"
key=$( (cat "$0"; echo "$kver") | sha256sum | cut -c1-12)
image="$CACHE/systemd-guest-$key.img"

exec 9>"$CACHE/systemd-guest.lock"
flock 9
if [ -s "$image" ]; then
    echo "$image"
    exit 0
fi
# What a build needs on the host.
need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v mke2fs >/dev/null || need+=(e2fsprogs)
if [ ${#need[@]} -gt 0 ]; then
    echo "# installing ${need[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${need[@]}" >&2
fi

work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
mirror=${CRUNLITE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${CRUNLITE_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
packages=systemd,systemd-sysv,dbus,kmod,busybox-static,jq,procps,runc,podman,conmon,containerd,libsystemd0
echo "# building the systemd guest image (mmdebstrap bookworm: $packages)" >&2
# A plain PATH: a wrapper earlier on PATH (python3 shims) slows it down.
PATH=/usr/sbin:/usr/bin:/sbin:/bin mmdebstrap --quiet --variant=essential --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/{doc,man,locale,info}/*' \
    bookworm "$root" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main" >&2

# A fixed machine id: an empty one makes every boot a first boot.
echo 0123456789abcdef0123456789abcdef > "$root/etc/machine-id"
echo crunlite-sd > "$root/etc/hostname"

# Units that only cost boot time here.
for u in serial-getty@ttyS0.service getty@tty1.service getty.target modprobe@.service \
         sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount dev-hugepages.mount \
         dev-mqueue.mount systemd-random-seed.service systemd-update-utmp.service \
         systemd-update-utmp-runlevel.service systemd-journal-flush.service systemd-remount-fs.service \
         systemd-fsck-root.service systemd-binfmt.service systemd-hwdb-update.service \
         systemd-journal-catalog-update.service systemd-firstboot.service systemd-machine-id-commit.service \
         systemd-pstore.service systemd-logind.service apt-daily.timer apt-daily-upgrade.timer \
         dpkg-db-backup.timer e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer \
         podman-restart.service podman-auto-update.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# containerd is started by the test when it needs it, not at boot.
rm -f "$root/etc/systemd/system/multi-user.target.wants/containerd.service"
# The test: /opt/crunlite/guest-run.sh comes with each boot (from the
# initramfs), prints its results on ttyS0 and powers the guest off.
cat > "$root/etc/systemd/system/crunlite-test.service" <<'EOF'
[Unit]
Description=crun-lite systemd cgroup driver checks
ConditionPathExists=/opt/crunlite/guest-run.sh

[Service]
# simple, not oneshot: the script waits for the system to be running,
# which a oneshot still starting would prevent.
Type=simple
ExecStart=/opt/crunlite/guest-run.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
Delegate=no

[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/crunlite-test.service "$root/etc/systemd/system/multi-user.target.wants/crunlite-test.service"
# Quiet journald on the console.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nForwardToConsole=no\n' > "$root/etc/systemd/journald.conf.d/crunlite.conf"

# Kernel modules the guest loads after boot (overlay for podman); the
# disk drivers are in the initramfs.
mkdir -p "$root/lib/modules/$kver"
for mod in kernel/fs/overlayfs/overlay.ko; do
    for src in /lib/modules/$kver/$mod*; do
        [ -e "$src" ] || continue
        install -D -m 0644 "$src" "$root/lib/modules/$kver/${src#/lib/modules/$kver/}"
    done
done
depmod -b "$root" "$kver" 2>/dev/null || true

# podman: runtime crun-lite under its own name, systemd cgroups, no
# network stack, ulimits the guest allows.
mkdir -p "$root/etc/containers"
cat > "$root/etc/containers/containers.conf" <<'EOF'
[containers]
default_ulimits = []
netns = "none"
[engine]
cgroup_manager = "systemd"
events_logger = "file"
runtime = "crun-lite"
runtime_supports_json = ["crun-lite", "runc"]
[engine.runtimes]
crun-lite = ["/opt/crunlite/crun-lite"]
EOF
cat > "$root/etc/containers/storage.conf" <<'EOF'
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF

rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
size_mb=$(( $(du -sm "$root" | cut -f1) + 512 ))
# stdout carries the image path alone: mke2fs says "Creating regular file" there.
mke2fs -q -t ext4 -L crunlite-sd -d "$root" "$work/image" "${size_mb}M" >&2
rm -f "$CACHE"/systemd-guest-*.img
mv "$work/image" "$image"
echo "$image"
