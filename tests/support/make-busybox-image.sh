#!/bin/sh
# Makes an OCI image archive (an OCI image layout in a tar) of a busybox
# rootfs, with no registry and no network:
#   make-busybox-image.sh OUT.tar [NAME]
# One gzip layer made by make-busybox-rootfs.sh, an image config (Cmd sh,
# PATH), a manifest and an index naming the image NAME (default
# localhost/crun-lite-busybox:latest) for `ctr images import` and
# `podman load`.
set -eu
out=${1:?usage: make-busybox-image.sh OUT.tar [NAME]}
name=${2:-localhost/crun-lite-busybox:latest}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/crun-lite-image.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$here/make-busybox-rootfs.sh" "$tmp/rootfs"
mkdir -p "$tmp/layout/blobs/sha256"
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
case "$arch" in ppc64el) arch=ppc64le ;; armhf) arch=arm ;; i386) arch=386 ;; esac
blob() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# The layer: reproducible (sorted, fixed owner and time).
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/rootfs" -cf "$tmp/layer.tar" .
diff_id=$(blob "$tmp/layer.tar")
gzip -n -9 < "$tmp/layer.tar" > "$tmp/layer.tar.gz"
layer=$(blob "$tmp/layer.tar.gz")
cp "$tmp/layer.tar.gz" "$tmp/layout/blobs/sha256/$layer"

jq -cn --arg diff "sha256:$diff_id" --arg arch "$arch" '{
    architecture: $arch, os: "linux", created: "1970-01-01T00:00:00Z",
    config: {Cmd: ["sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
             WorkingDir: "/"},
    rootfs: {type: "layers", diff_ids: [$diff]},
    history: [{created: "1970-01-01T00:00:00Z", created_by: "make-busybox-image.sh"}]
}' > "$tmp/config.json"
config=$(blob "$tmp/config.json")
cp "$tmp/config.json" "$tmp/layout/blobs/sha256/$config"

jq -cn --arg config "sha256:$config" --argjson csize "$(size "$tmp/config.json")" \
    --arg layer "sha256:$layer" --argjson lsize "$(size "$tmp/layer.tar.gz")" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $csize},
    layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $layer, size: $lsize}]
}' > "$tmp/manifest.json"
manifest=$(blob "$tmp/manifest.json")
cp "$tmp/manifest.json" "$tmp/layout/blobs/sha256/$manifest"

# ref.name is the tag (podman), io.containerd.image.name the full name (ctr).
jq -cn --arg m "sha256:$manifest" --argjson msize "$(size "$tmp/manifest.json")" --arg name "$name" --arg arch "$arch" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $msize,
                 platform: {architecture: $arch, os: "linux"},
                 annotations: {"io.containerd.image.name": $name,
                               "org.opencontainers.image.ref.name": ($name | sub("^.*:"; ""))}}]
}' > "$tmp/layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$tmp/layout/oci-layout"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/layout" -cf "$out" oci-layout index.json blobs
