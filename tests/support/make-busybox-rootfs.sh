#!/bin/sh
# Makes a minimal root filesystem from Debian's busybox-static:
#   make-busybox-rootfs.sh DIR
# DIR/bin/busybox plus one symlink per applet, and the empty mount points an
# OCI config expects. No network, no image pull.
set -eu
dir=${1:?usage: make-busybox-rootfs.sh DIR}
bb=$(command -v busybox || true)
[ -n "$bb" ] || { echo "busybox not found: apt-get install busybox-static" >&2; exit 1; }
if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked' && ldd "$bb" >/dev/null 2>&1; then
    echo "$bb is not statically linked: apt-get install busybox-static" >&2; exit 1
fi
mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/etc" "$dir/tmp" "$dir/root" "$dir/var" "$dir/home"
chmod 1777 "$dir/tmp"
cp "$bb" "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
done
ln -sfn bin "$dir/sbin" 2>/dev/null || true
mkdir -p "$dir/usr"; ln -sfn ../bin "$dir/usr/bin" 2>/dev/null || true
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$dir/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$dir/etc/group"
