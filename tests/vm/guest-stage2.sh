#!/bin/sh
# Stage 2, PID 1 on the tmpfs root: a cgroup2-only system, then the checks,
# then power off. Everything goes to the serial console.
export PATH=/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
mount -t tmpfs tmp /tmp
for mod in overlay virtio virtio_ring virtio_mmio virtio_blk; do
    # insmod does not read /proc/cmdline: hand on qemu's virtio_mmio.device=.
    params=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$mod\.//p")
    [ -f /lib/modules/$mod.ko ] && insmod /lib/modules/$mod.ko $params 2>/dev/null
done
# Memcg OOM reports go to the console at error level; keep it quiet.
dmesg -n 1
hostname crunlite-vm
# ash reaps orphans (containers run with -d) only while it waits on a
# foreground command: keep the checks in the foreground.
/v2-checks.sh 2>&1
echo "# v2 checks done"
sync
poweroff -f
