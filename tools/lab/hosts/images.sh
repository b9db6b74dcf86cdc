#!/usr/bin/env bash
# LAB FIXTURE: the control-plane images for the lab hosts, built locally (the lab reaches no registry). Each image
# is a docker-archive tar holding the static binaries tools/k8s-tools.sh built (etcd also carries etcdctl, which
# OSK's member removal runs inside the etcd pod), tagged with the names `kubeadm config images list` gives for the
# lab's Kubernetes version, so kubeadm finds them already present. The pause image runs pause/main.go.
# kube-proxy and CoreDNS are not built: the lab stack disables both addons.
#   images.sh      build what is missing; prints the directory holding the tars
# Cache: ${OSK_CACHE:-~/.cache/osk}/lab-images-<k8s version>-<hash of the inputs>.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
say() { printf '[lab-images] %s\n' "$*" >&2; }
die() { printf '[lab-images] error: %s\n' "$*" >&2; exit 1; }

eval "$(bash "$repo/tools/k8s-tools.sh" --env kubeadm kubernetes etcd)"
bin=$OSK_K8S_BIN
version=$("$bin/kubeadm" version -o short)
key=$( { cat "$0" "$here/pause/main.go"; for b in kube-apiserver kube-controller-manager kube-scheduler etcd etcdctl; do sha256sum "$bin/$b"; done; } | sha256sum | cut -c1-12)
out=${OSK_CACHE:-$HOME/.cache/osk}/lab-images-$version-$key
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi

work=$out.tmp
rm -rf "$work"; mkdir -p "$work"
t0=$SECONDS
( cd "$here/pause" && CGO_ENABLED=0 GOFLAGS= GOWORK=off GOTOOLCHAIN=local go build -trimpath -ldflags '-s -w' -o "$work/pause" main.go ) ||
  die "could not build the pause program"

image() { # tag entrypoint-or-empty binary...
  local tag=$1 entry=$2 dir=$work/build.$$ b layer config diff cfgsha file
  shift 2
  rm -rf "$dir"; mkdir -p "$dir/rootfs/usr/local/bin" "$dir/rootfs/tmp" "$dir/rootfs/etc"
  for b in "$@"; do install -m 0755 "$b" "$dir/rootfs/usr/local/bin/$(basename "$b")"; done
  echo "root:x:0:0:root:/:/usr/local/bin/none" >"$dir/rootfs/etc/passwd"
  chmod 1777 "$dir/rootfs/tmp"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir/rootfs" -cf "$dir/layer.tar" .
  diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  jq -nc --arg diff "sha256:$diff" --argjson entry "${entry:-null}" '{architecture: "amd64", os: "linux",
      config: ({Env: ["PATH=/usr/local/bin:/usr/bin:/bin"]} + (if $entry then {Entrypoint: $entry} else {} end)),
      rootfs: {type: "layers", diff_ids: [$diff]}}' >"$dir/config.json"
  cfgsha=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mkdir -p "$dir/archive/$diff"
  mv "$dir/layer.tar" "$dir/archive/$diff/layer.tar"
  mv "$dir/config.json" "$dir/archive/$cfgsha.json"
  jq -nc --arg cfg "$cfgsha.json" --arg tag "$tag" --arg layer "$diff/layer.tar" '[{Config: $cfg, RepoTags: [$tag], Layers: [$layer]}]' >"$dir/archive/manifest.json"
  file=$(basename "${tag%%:*}").tar
  tar -C "$dir/archive" -cf "$work/$file" .
  rm -rf "$dir"
  say "  $tag ($(du -m "$work/$file" | cut -f1) MB)"
}

say "building the control-plane images for kubeadm $version"
for ref in $("$bin/kubeadm" config images list --kubernetes-version "$version" 2>/dev/null); do
  name=${ref##*/}; name=${name%%:*}
  case $name in
    kube-apiserver | kube-controller-manager | kube-scheduler) image "$ref" "" "$bin/$name" ;;
    etcd) image "$ref" "" "$bin/etcd" "$bin/etcdctl" ;;
    pause) image "$ref" '["/usr/local/bin/pause"]' "$work/pause" ;;
    *) say "  $ref: not built (the lab stack disables that addon)" ;;
  esac
done
rm -f "$work/pause"
touch "$work/.done"
rm -rf "$out"; mv "$work" "$out"
say "images built in $((SECONDS - t0)) s: $out"
echo "$out"
