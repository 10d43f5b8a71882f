#!/bin/sh
# Installs what building and testing crun-lite needs on Debian 12 (as root).
# Skips apt entirely when everything is already there. Besides the build
# (libsystemd-dev: the sd-bus headers; the systemd cgroup driver dlopens
# libsystemd.so.0 at run time): runc (the reference the tests compare
# with), golang-go (builds the OCI validation suite and its profile
# generator), golang-github-docker-docker-dev (for Docker's default
# seccomp profile), uidmap and slirp4netns (rootless crun-lite and
# rootless podman).
set -eu
packages="g++ cmake make pkg-config nlohmann-json3-dev libseccomp-dev libcap-dev libspdlog-dev
libcli11-dev doctest-dev libsystemd-dev busybox-static jq procps iproute2 util-linux
containerd podman conmon catatonit runc strace uidmap slirp4netns
golang-go golang-github-docker-docker-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
