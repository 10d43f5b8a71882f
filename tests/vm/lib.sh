# What the qemu guests share, sourced (bash): tests/vm/run-v2-tests.sh,
# tests/vm/run-systemd-tests.sh and bench/vm.sh.
#
#   vm_unpack_kernel CACHE     sets VM_KVER and VM_KERNEL: the newest installed
#                              /boot/vmlinuz-*, its ELF unpacked into CACHE (once);
#                              status 1 and VM_ERROR when it cannot
#   vm_copy_modules KVER DIR MOD...   each MOD.ko of that kernel into DIR, uncompressed
#   vm_tsc_khz                 the host's TSC frequency in kHz, for tsc_early_khz=
#   vm_boot TIMEOUT MEM KERNEL INITRD APPEND CONSOLE DRIVE
#                              one microvm boot, its serial console into CONSOLE and
#                              DRIVE (a qemu -drive spec, id=disk) as a virtio disk;
#                              sets VM_ACCEL, VM_QEMU_STATUS and VM_ELAPSED (seconds)
#   vm_judge CONSOLE MARK      prints the TAP lines of the guest's console (CR
#                              stripped into CONSOLE.txt), counts VM_PASSED and
#                              VM_FAILED; status 1 if MARK (the checks' last line)
#                              never came

vm_unpack_kernel() {
    local cache=$1 vmlinuz off
    VM_ERROR=
    vmlinuz=$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -n1)
    [ -n "$vmlinuz" ] || { VM_ERROR="no /boot/vmlinuz-*: apt-get install linux-image-amd64"; return 1; }
    VM_KVER=${vmlinuz#/boot/vmlinuz-}
    mkdir -p "$cache"
    VM_KERNEL="$cache/vmlinux-$VM_KVER"
    [ -s "$VM_KERNEL" ] && [ ! "$VM_KERNEL" -ot "$vmlinuz" ] && return 0
    # The bzImage wraps an XZ stream (magic FD 37 7A 58 5A 00); the ELF
    # inside has a PVH entry note, which qemu -kernel boots directly and
    # which spares the guest 2-3 s of decompression. Unpacked under a name
    # of our own, then renamed: concurrent runs share the cache.
    off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1)
    [ -n "$off" ] || { VM_ERROR="no XZ stream in $vmlinuz"; return 1; }
    tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream > "$VM_KERNEL.tmp.$$" 2>/dev/null || true
    if ! head -c 4 "$VM_KERNEL.tmp.$$" | grep -q ELF; then
        rm -f "$VM_KERNEL.tmp.$$"
        VM_ERROR="$vmlinuz did not unpack to an ELF kernel"
        return 1
    fi
    mv "$VM_KERNEL.tmp.$$" "$VM_KERNEL"
}

vm_copy_modules() {
    local kver=$1 dir=$2 mod ko
    shift 2
    for mod in "$@"; do
        ko=$(find "/lib/modules/$kver" -name "$mod.ko*" | head -n1)
        [ -n "$ko" ] || continue
        case "$ko" in
            *.xz) xz -dc "$ko" > "$dir/$mod.ko" ;;
            *.zst) zstd -qdc "$ko" > "$dir/$mod.ko" ;;
            *) cp "$ko" "$dir/$mod.ko" ;;
        esac
    done
}

# microvm under TCG needs the TSC frequency given, or calibration may hang.
vm_tsc_khz() {
    local khz
    khz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9]*\)\.\([0-9]*\) MHz.*/\1\2/p' | head -n1)
    [ -n "$khz" ] || khz=$(awk -F: '/^cpu MHz/ {printf "%d", $2 * 1000; exit}' /proc/cpuinfo)
    echo "${khz:-2000000}"
}

vm_boot() {
    local timeout=$1 mem=$2 kernel=$3 initrd=$4 append=$5 console=$6 drive=$7 start
    # TCG by default: a /dev/kvm in a nested VM may exist and still fail
    # (MSR errors); CRUNLITE_VM_ACCEL=kvm opts in.
    VM_ACCEL=${CRUNLITE_VM_ACCEL:-tcg}
    start=$(date +%s)
    VM_QEMU_STATUS=0
    timeout "$timeout" qemu-system-x86_64 -M "microvm,accel=$VM_ACCEL" -cpu max -smp 1 -m "$mem" \
        -nodefaults -no-user-config -nographic -no-reboot \
        -serial stdio \
        -kernel "$kernel" -initrd "$initrd" -append "$append" \
        -drive "$drive" -device virtio-blk-device,drive=disk \
        </dev/null > "$console" 2>&1 || VM_QEMU_STATUS=$?
    VM_ELAPSED=$(($(date +%s) - start))
}

vm_judge() {
    local console=$1 mark=$2
    tr -d '\r' < "$console" > "$console.txt"
    grep -E '^(ok|not ok) - |^# ' "$console.txt" || true
    VM_FAILED=$(grep -c '^not ok - ' "$console.txt" || true)
    VM_PASSED=$(grep -c '^ok - ' "$console.txt" || true)
    grep -q "^$mark" "$console.txt"
}
