# Sourced by bench/run.sh: a qemu VM doing the containers' job.
#
# The kernel is Debian's linux-image-amd64, unpacked from its bzImage the way
# tests/vm/run-v2-tests.sh does it (tests/vm/lib.sh) and into the same cache
# ($CRUNLITE_VM_CACHE, default /var/tmp/crun-lite-vm), so the two share one
# uncompressed kernel. The initramfs is only static busybox and an /init.
# Needs: WORK, CALL (run.sh's `call`), die.

VM_CACHE=${CRUNLITE_VM_CACHE:-/var/tmp/crun-lite-vm}
VM_MEM=${BENCH_VM_MEM:-128M}

. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/vm/lib.sh"

# vm_kernel: sets VM_KERNEL and VM_KVER (the newest installed kernel).
vm_kernel() { vm_unpack_kernel "$VM_CACHE" || die "$VM_ERROR"; }

# vm_initramfs NAME INIT_BODY: $WORK/NAME.cpio with busybox and /init.
vm_initramfs() {
    local r="$WORK/initramfs-$1"
    mkdir -p "$r/bin" "$r/dev" "$r/proc"
    cp /bin/busybox "$r/bin/busybox"
    printf '#!/bin/busybox sh\n%s\n' "$2" > "$r/init"
    chmod 755 "$r/init"
    (cd "$r" && find . | cpio -o -H newc --quiet) > "$WORK/$1.cpio"
}

vm_prepare() {
    vm_kernel
    vm_initramfs true '/bin/busybox true && /bin/busybox echo bench-vm-done
/bin/busybox poweroff -f'
    vm_initramfs idle '/bin/busybox echo bench-vm-idle
while :; do /bin/busybox sleep 3600; done'
    VM_APPEND="console=ttyS0 quiet loglevel=3 panic=-1 tsc_early_khz=$(vm_tsc_khz) rdinit=/init"
    # KVM where it works; a nested /dev/kvm may exist and still fail (MSR
    # errors, hangs), so one probe boot decides.
    VM_ACCEL=tcg
    VM_CPU=max
    if [ -z "${BENCH_VM_ACCEL:-}" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
        local probe
        mapfile -t probe < <(VM_ACCEL=kvm VM_CPU=host vm_args true)
        if timeout 30 qemu-system-x86_64 "${probe[@]}" </dev/null 2>/dev/null \
            | tr -d '\r' | grep -q '^bench-vm-done'; then
            VM_ACCEL=kvm
            VM_CPU=host
        fi
    elif [ -n "${BENCH_VM_ACCEL:-}" ]; then
        VM_ACCEL=$BENCH_VM_ACCEL
        [ "$VM_ACCEL" = kvm ] && VM_CPU=host
    fi
}

# vm_args NAME: qemu's arguments (one per line) for the NAME initramfs.
vm_args() {
    printf '%s\n' -M "microvm,accel=$VM_ACCEL" -cpu "$VM_CPU" -smp 1 -m "$VM_MEM" \
        -nodefaults -no-user-config -nographic -no-reboot -serial stdio \
        -kernel "$VM_KERNEL" -initrd "$WORK/$1.cpio" -append "$VM_APPEND"
}

# vm_boot: one boot of the /bin/true VM through the host timer, with
# /usr/bin/time for qemu's peak RSS. Sets VM_OK (1/0), R_NS, VM_RSS.
vm_boot() {
    local args
    mapfile -t args < <(vm_args true)
    rm -f "$WORK/vm-rss.txt"
    call host "$WORK/vm-console.txt" /usr/bin/time -f %M -o "$WORK/vm-rss.txt" \
        timeout 300 qemu-system-x86_64 "${args[@]}"
    VM_RSS=$(tail -n1 "$WORK/vm-rss.txt" 2>/dev/null)
    VM_OK=0
    [ "$R_STATUS" = 0 ] && tr -d '\r' < "$WORK/vm-console.txt" | grep -q '^bench-vm-done' && VM_OK=1
    return 0
}

# vm_idle: boots the VM whose init sleeps, waits for it to say so, settles,
# reads qemu's RSS and PSS (KiB) into VM_IDLE_RSS / VM_IDLE_PSS, stops it.
vm_idle() {
    local args pid i
    mapfile -t args < <(vm_args idle)
    qemu-system-x86_64 "${args[@]}" </dev/null > "$WORK/vm-idle.txt" 2>&1 &
    pid=$!
    VM_IDLE_RSS=
    VM_IDLE_PSS=
    for ((i = 0; i < 600; i++)); do
        grep -q 'bench-vm-idle' "$WORK/vm-idle.txt" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if grep -q 'bench-vm-idle' "$WORK/vm-idle.txt" 2>/dev/null; then
        sleep 3
        VM_IDLE_RSS=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
        VM_IDLE_PSS=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
