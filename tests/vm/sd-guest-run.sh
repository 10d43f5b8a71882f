#!/bin/sh
# Runs in the systemd guest as crunlite-test.service (its output is the
# serial console): waits for the boot to finish, runs the checks, powers
# the guest off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
state=$(systemctl is-system-running --wait 2>&1)
echo "# systemd $(systemctl --version | sed -n '1s/systemd \([0-9]*\).*/\1/p') is $state after $(cut -d' ' -f1 /proc/uptime) s"
[ "$state" = running ] || systemctl --failed --no-legend --plain | sed 's/^/#   failed: /'
/opt/crunlite/sd-checks.sh 2>&1
echo "# systemd checks done at $(cut -d' ' -f1 /proc/uptime) s"
sync
systemctl poweroff -ff
