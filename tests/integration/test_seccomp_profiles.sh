#!/bin/bash
# Real-world seccomp profiles, not the project's own: Docker's default
# (Debian's golang-github-docker-docker-dev), podman's
# (/usr/share/containers/seccomp.json), the OCI validation suite's generated
# default (runtime-tools' oci-runtime-tool generate), and a hand-written
# allow-list without the newer syscalls. Each runs a shell under default
# capabilities, as root and as uid 1000, with and without no_new_privs.
# Nothing the runtime does after loading a filter may need a syscall the
# profile denies, and keeping CAP_SYS_ADMIN to load it must not leak into
# the container. Then the -ENOSYS rule for syscalls a profile predates, the
# same bundle under runc as the reference.
. "$(dirname "$0")/lib.sh"

HERE=$TOP/tests/integration
cc -static -O1 -o "$ROOTFS/bin/syscall_probe" "$HERE/syscall_probe.c" || { not_ok "build syscall_probe"; finish; exit; }

DOCKER_PROFILE=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
PODMAN_PROFILE=/usr/share/containers/seccomp.json

# The capabilities of crun-lite's (and runc's) default config.
CAPS=$("$CRUN" spec --bundle "$WORK" && jq -c .process.capabilities.bounding "$WORK/config.json"; rm -f "$WORK/config.json")

# docker_to_oci FILE: a Docker/podman-format profile as the OCI seccomp
# object that engine would hand the runtime for a container with $CAPS on
# x86_64 (includes/excludes by capability and architecture resolved).
docker_to_oci() {
    jq -c --argjson caps "$CAPS" '
      {defaultAction, defaultErrnoRet,
       architectures: [.archMap[]? | select(.architecture == "SCMP_ARCH_X86_64") | .architecture, .subArchitectures[]],
       syscalls: [.syscalls[]
          | select(((.includes.caps // []) - $caps) == [])
          | select((.excludes.caps // []) | any(. as $c | $caps | index($c)) | not)
          | select(.includes.arches == null or (.includes.arches | index("amd64")))
          | select(.excludes.arches == null or ((.excludes.arches | index("amd64")) | not))
          | {names, action} + (if .args then {args} else {} end) + (if .errnoRet then {errnoRet} else {} end)]}
      | if .defaultErrnoRet == null then del(.defaultErrnoRet) else . end' "$1"
}

# The validation suite's default profile, from its own generator.
suite_profile() {
    tool=$("$TOP/tests/conformance/build-oci-suite.sh" tool) || return 1
    (cd "$WORK" && "$tool" generate --output "$WORK/suite-config.json") || return 1
    jq -c .linux.seccomp "$WORK/suite-config.json"
}

declare -A PROFILES
if [ -f "$DOCKER_PROFILE" ]; then PROFILES[docker]=$(docker_to_oci "$DOCKER_PROFILE"); fi
if [ -f "$PODMAN_PROFILE" ]; then PROFILES[podman]=$(docker_to_oci "$PODMAN_PROFILE"); fi
if command -v go >/dev/null; then PROFILES[suite]=$(suite_profile); fi
PROFILES[allowlist]=$(jq -c 'del(.comment)' "$TOP/tests/data/seccomp/minimal-allowlist.json")
for name in docker podman suite; do
    # CI installs them all; a developer's machine may lack one.
    if [ -z "${PROFILES[$name]:-}" ] || [ "${PROFILES[$name]}" = null ]; then
        if [ "${CI:-}" = true ]; then not_ok "profile $name is available"; else echo "# skip: no $name profile here"; fi
        unset "PROFILES[$name]"
    fi
done
if [ -n "${PROFILES[suite]:-}" ]; then
    expect_eq "the suite's profile predates close_range (what broke every suite container)" false \
        "$(echo "${PROFILES[suite]}" | jq '[.syscalls[].names[]] | index("close_range") != null')"
fi

SCRIPT='grep -E "^(Uid|NoNewPrivs|Seccomp|CapInh|CapPrm|CapEff|CapBnd|CapAmb):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"; ls / >/dev/null && cat /proc/self/comm && echo ran'

# status_in NAME JQ: the process status lines of a fresh container.
status_in() {
    make_bundle "$WORK/$1" "$2"
    jq --arg s "$SCRIPT" '.process.args = ["sh", "-c", $s]' "$WORK/$1/config.json" > "$WORK/$1/c.json" &&
        mv "$WORK/$1/c.json" "$WORK/$1/config.json"
    crun run --bundle "$WORK/$1" "$PREFIX-$1" 2>&1
}

for user in root 1000; do
    if [ "$user" = root ]; then who='.process.user = {uid: 0, gid: 0}'; else who='.process.user = {uid: 1000, gid: 1000}'; fi
    for nnp in false true; do
        base="$who | .process.noNewPrivileges = $nnp"
        # The reference: the same process without any filter.
        plain=$(status_in "plain-$user-$nnp" "$base | del(.linux.seccomp)")
        plain_caps=$(echo "$plain" | tr ';' '\n' | grep ^Cap | tr '\n' ';')
        for name in "${!PROFILES[@]}"; do
            label="$name profile, user $user, noNewPrivileges $nnp"
            out=$(status_in "$name-$user-$nnp" "$base | .linux.seccomp = ${PROFILES[$name]}")
            expect_contains "$label: the container runs" "Seccomp: 2;" "$out"
            expect_contains "$label: its shell works" "ran" "$out"
            caps=$(echo "$out" | tr ';' '\n' | grep ^Cap | tr '\n' ';')
            # CAP_SYS_ADMIN, kept to load the filter without no_new_privs,
            # must be gone after execve: the same sets as without a filter.
            expect_eq "$label: capabilities as without a filter" "$plain_caps" "$caps"
        done
    done
done
expect_contains "uid 1000 without a filter has no capabilities" "CapEff: 0000000000000000" \
    "$(status_in plain-check '.process.user = {uid: 1000, gid: 1000} | del(.linux.seccomp)')"

# ---- -ENOSYS for what a profile predates (runc's rule) ----------------------
# Docker's profile cut back to what a profile written for Linux 5.2 would
# name (nothing numbered above pidfd_open, 434): clone3 (435) is newer than
# all of it, so it answers ENOSYS and glibc falls back to clone; add_key
# (248), older but not allowed, gets the default errno.
cat > "$WORK/sysno.c" <<'C'
#include <seccomp.h>
#include <stdio.h>
int main(void) {
    char name[128];
    while (scanf("%127s", name) == 1) printf("%s %d\n", name, seccomp_syscall_resolve_name(name));
    return 0;
}
C
cc -o "$WORK/sysno" "$WORK/sysno.c" -lseccomp || not_ok "build the syscall number helper"
if [ -n "${PROFILES[docker]:-}" ]; then
    newer=$(echo "${PROFILES[docker]}" | jq -r '.syscalls[].names[]' | sort -u | "$WORK/sysno" | awk '$2 > 434 {print $1}' | jq -R . | jq -sc .)
    OLD_PROFILE=$(echo "${PROFILES[docker]}" | jq -c --argjson newer "$newer" \
        '.defaultErrnoRet = 1 | .syscalls |= map(.names -= $newer | select(.names != []))')
    probes='for c in "clone3 0 0" "add_key 0" getppid; do printf "%s " $(syscall_probe $c); done'
    # enosys_bundle NAME JQ: the probes under OLD_PROFILE changed by JQ.
    enosys_bundle() {
        make_bundle "$WORK/$1" ".process.noNewPrivileges = false | .linux.seccomp = $OLD_PROFILE | $2"
        jq --arg s "$probes" '.process.args = ["sh", "-c", $s]' "$WORK/$1/config.json" > "$WORK/c.json" &&
            mv "$WORK/c.json" "$WORK/$1/config.json"
    }
    enosys_bundle enosys .
    expect_eq "a profile without clone3: clone3 ENOSYS, an older unnamed call EPERM, a named one allowed" \
        "38 1 0 " "$(crun run --bundle "$WORK/enosys" "$PREFIX-enosys")"
    enosys_bundle enosys-dflt '.linux.seccomp.defaultErrnoRet = 13'
    expect_eq "defaultErrnoRet 13: still ENOSYS above the newest named syscall" \
        "38 13 0 " "$(crun run --bundle "$WORK/enosys-dflt" "$PREFIX-enosys-dflt")"
    enosys_bundle enosys-user '.process.user = {uid: 1000, gid: 1000}'
    expect_eq "the same as uid 1000" "38 1 0 " "$(crun run --bundle "$WORK/enosys-user" "$PREFIX-enosys-user")"
    enosys_bundle enosys-allow '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["add_key"], action: "SCMP_ACT_ERRNO"}]}'
    expect_eq "default allow: a newer syscall is the kernel's (clone3 of size 0: EINVAL)" \
        "22 1 0 " "$(crun run --bundle "$WORK/enosys-allow" "$PREFIX-enosys-allow")"
    # The same bundles under runc, the reference.
    if command -v runc >/dev/null; then
        for b in enosys enosys-dflt enosys-user enosys-allow; do
            expect_eq "runc gives the same answers for $b" "$(crun run --bundle "$WORK/$b" "$PREFIX-$b-again")" \
                "$(runc --root "$WORK/runc-root" run --bundle "$WORK/$b" "$PREFIX-runc-$b" 2>&1)"
        done
    fi
fi

# Where runc also runs (it makes syscalls after loading the filter, so not
# under the allow-list): Docker's and podman's profiles, uid 1000, without
# no_new_privs; the process sees the same status lines.
if command -v runc >/dev/null; then
    for name in docker podman; do
        [ -n "${PROFILES[$name]:-}" ] || continue
        make_bundle "$WORK/runc-$name" ".process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false | .linux.seccomp = ${PROFILES[$name]}"
        jq --arg s "$SCRIPT" '.process.args = ["sh", "-c", $s]' "$WORK/runc-$name/config.json" > "$WORK/c.json" &&
            mv "$WORK/c.json" "$WORK/runc-$name/config.json"
        expect_eq "runc agrees on the $name profile (uid 1000, no no_new_privs)" \
            "$(runc --root "$WORK/runc-root" run --bundle "$WORK/runc-$name" "$PREFIX-runc-$name" 2>&1)" \
            "$(crun run --bundle "$WORK/runc-$name" "$PREFIX-$name-vs-runc" 2>&1)"
    done
    rm -rf "$WORK/runc-root"
fi

check_no_leftovers
finish
