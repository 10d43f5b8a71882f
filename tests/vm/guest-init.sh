#!/bin/sh
# Stage 1, PID 1 in the initramfs: pivot_root cannot leave the initramfs
# root (EINVAL), so copy the userland onto a tmpfs and switch_root there.
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
mount -t tmpfs -o mode=0755 root /newroot
for d in bin sbin usr lib lib64 etc bundle init stage2 v2-checks.sh; do
    [ -e "/$d" ] && cp -a "/$d" /newroot/
done
mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp /newroot/run
mount --move /dev /newroot/dev
umount /proc
exec switch_root /newroot /stage2
