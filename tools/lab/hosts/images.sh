#!/usr/bin/env bash
# LAB FIXTURE: the control-plane images for the lab hosts, built locally (the lab reaches no registry). Each image
# is a docker-archive tar holding the static binaries tools/k8s-tools.sh built (etcd also carries etcdctl, which
# OSK's member removal runs inside the etcd pod), tagged with the names `kubeadm config images list` gives for the
# lab's Kubernetes version, so kubeadm finds them already present. The pause image runs pause/main.go.
# kube-proxy's image also carries Debian's iptables (its nf_tables flavour) with the libraries it loads, unpacked
# from Debian's packages, never installed on this machine: kube-proxy programs the Services with it.
# k8s-keystone-auth's is tagged as the tenant add-ons name it (registry.k8s.io/provider-os/..., the
# cloud-provider-openstack release of the cluster's minor). CoreDNS is not built: the lab stacks disable it.
# Given the tenant add-ons' image references (what components/tenant/addons/images.ts lists for a tenant), it also
# builds those: the cloud controller and the Cinder CSI plugin from cloud-provider-openstack, csi-provisioner,
# csi-snapshotter and snapshot-controller from their modules, each checked against the tag it gets; the sidecars the
# module proxy does not serve at the pinned releases (attacher, resizer, livenessprobe, node-driver-registrar) are
# the lab's stand-in (csi-standin/main.go), which says what it does instead.
#   images.sh             build what is missing; prints the directory holding the tars
#   images.sh REF...      the same, with these add-on images too (another directory)
# Cache: ${OSK_CACHE:-~/.cache/osk}/lab-images-<k8s version>-<hash of the inputs>.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
say() { printf '[lab-images] %s\n' "$*" >&2; }
die() { printf '[lab-images] error: %s\n' "$*" >&2; exit 1; }

addons=("$@")
pieces=(kubeadm kubernetes etcd kube-proxy keystone-auth)
for ref in ${addons[@]+"${addons[@]}"}; do
  case ${ref%:*} in
    */provider-os/openstack-cloud-controller-manager) pieces+=(cloud-controller) ;;
    */provider-os/cinder-csi-plugin) pieces+=(cinder-csi) ;;
    */sig-storage/csi-provisioner | */sig-storage/csi-snapshotter | */sig-storage/snapshot-controller) pieces+=(csi-sidecars) ;;
  esac
done
# shellcheck disable=SC2046 # one word per piece
eval "$(bash "$repo/tools/k8s-tools.sh" --env $(printf '%s\n' "${pieces[@]}" | sort -u))"
bin=$OSK_K8S_BIN
version=$("$bin/kubeadm" version -o short)
# cloud-provider-openstack's release for this minor, as tools/k8s-tools.sh built k8s-keystone-auth from it.
cpo=$(sed -n 's#^k8s.io/cloud-provider-openstack@##p' "$bin/../stamps/k8s-keystone-auth")
[ -n "$cpo" ] || die "no build stamp for k8s-keystone-auth under $bin/../stamps"
# iptables and everything it loads, down to libc (the image has nothing else).
iptables_packages=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances iptables |
  grep -v '^ ' | grep -v -x -e gcc-12-base -e debconf | sort -u)
[ -n "$iptables_packages" ] || die "apt knows no iptables package (apt-get update?)"
pinned=$(for p in $iptables_packages; do printf '%s=%s\n' "$p" "$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')"; done)
built_bins=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd etcdctl k8s-keystone-auth)
for p in cloud-controller:openstack-cloud-controller-manager cinder-csi:cinder-csi-plugin csi-sidecars:csi-provisioner csi-sidecars:csi-snapshotter csi-sidecars:snapshot-controller; do
  [[ " ${pieces[*]} " != *" ${p%%:*} "* ]] || built_bins+=("${p#*:}")
done
key=$( { cat "$0" "$here/pause/main.go" "$here/csi-standin/main.go"; echo "$pinned"; echo "${addons[*]-}"; for b in "${built_bins[@]}"; do sha256sum "$bin/$b"; done; } | sha256sum | cut -c1-12)
out=${OSK_CACHE:-$HOME/.cache/osk}/lab-images-$version-$key
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi

work=$out.tmp
rm -rf "$work"; mkdir -p "$work"
t0=$SECONDS
gobuild() { (cd "$here/$1" && CGO_ENABLED=0 GOFLAGS= GOWORK=off GOTOOLCHAIN=local go build -trimpath -ldflags '-s -w' -o "$work/$1" main.go) || die "could not build $here/$1"; }
gobuild pause

image() { # tag entrypoint-or-empty item... (an item: a binary for /usr/local/bin, BINARY@DIR, or a directory tree)
  local tag=$1 entry=$2 dir=$work/build.$$ b layer config diff cfgsha file
  shift 2
  rm -rf "$dir"; mkdir -p "$dir/rootfs/usr/local/bin" "$dir/rootfs/tmp" "$dir/rootfs/etc"
  for b in "$@"; do
    if [ -d "$b" ]; then cp -a "$b/." "$dir/rootfs/"
    elif [[ $b == *@* ]]; then install -D -m 0755 "${b%@*}" "$dir/rootfs/${b#*@}/$(basename "${b%@*}")"
    else install -m 0755 "$b" "$dir/rootfs/usr/local/bin/$(basename "$b")"; fi
  done
  echo "root:x:0:0:root:/:/usr/local/bin/none" >"$dir/rootfs/etc/passwd"
  chmod 1777 "$dir/rootfs/tmp"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir/rootfs" -cf "$dir/layer.tar" .
  diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  jq -nc --arg diff "sha256:$diff" --argjson entry "${entry:-null}" '{architecture: "amd64", os: "linux",
      config: ({Env: ["PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]} + (if $entry then {Entrypoint: $entry} else {} end)),
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

iptables_root() { # dir: Debian's iptables unpacked with what it loads, the nf_tables flavour as `iptables`
  local root=$1 debs=$work/debs p n
  mkdir -p "$debs" "$root"
  # shellcheck disable=SC2086 # one word per package
  (cd "$debs" && apt-get download -q $iptables_packages >/dev/null 2>&1) ||
    { apt-get update -qq && (cd "$debs" && apt-get download -q $iptables_packages >/dev/null); } ||
    die "could not download Debian's $(echo $iptables_packages)"
  for p in "$debs"/*.deb; do dpkg-deb -x "$p" "$root"; done
  # What update-alternatives would link on a Debian host; kube-proxy runs `iptables`, `iptables-restore`, ...
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -sf xtables-nft-multi "$root/usr/sbin/$n"; done
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/usr/share/lintian" "$debs"
  chroot "$root" /usr/sbin/iptables --version >/dev/null || die "the unpacked iptables does not run"
}

say "building the control-plane images for kubeadm $version"
for ref in $("$bin/kubeadm" config images list --kubernetes-version "$version" 2>/dev/null); do
  name=${ref##*/}; name=${name%%:*}
  case $name in
    kube-apiserver | kube-controller-manager | kube-scheduler) image "$ref" "" "$bin/$name" ;;
    etcd) image "$ref" "" "$bin/etcd" "$bin/etcdctl" ;;
    pause) image "$ref" '["/usr/local/bin/pause"]' "$work/pause" ;;
    kube-proxy)
      iptables_root "$work/iptables"
      image "$ref" "" "$work/iptables" "$bin/kube-proxy"
      rm -rf "$work/iptables"
      ;;
    *) say "  $ref: not built (the lab stacks disable that addon)" ;;
  esac
done
# The add-on's own command is ./bin/k8s-keystone-auth, from the image's root.
keystone_auth=registry.k8s.io/provider-os/k8s-keystone-auth:$cpo
image "$keystone_auth" "" "$bin/k8s-keystone-auth@bin"

built_from() { # binary module@version: the binary's build stamp must name exactly that, or the tag would lie
  [ "$(cat "$bin/../stamps/$1" 2>/dev/null)" = "$2" ] || die "$1 was built from $(cat "$bin/../stamps/$1" 2>/dev/null || echo nothing), but the tenant add-ons name $2: change the pin in tools/k8s-tools.sh or in the add-ons"
}
for ref in ${addons[@]+"${addons[@]}"}; do
  [ "$ref" != "$keystone_auth" ] || continue
  name=${ref%:*} tag=${ref##*:}
  case $name in
    */provider-os/openstack-cloud-controller-manager | */provider-os/cinder-csi-plugin)
      # The manifests run /bin/<binary>, as the release images have it.
      built_from "${name##*/}" "k8s.io/cloud-provider-openstack@$tag"
      image "$ref" "" "$bin/${name##*/}@bin" ;;
    */sig-storage/csi-provisioner)
      built_from csi-provisioner "github.com/kubernetes-csi/external-provisioner/v5@$tag"
      image "$ref" '["/usr/local/bin/csi-provisioner"]' "$bin/csi-provisioner" ;;
    */sig-storage/csi-snapshotter | */sig-storage/snapshot-controller)
      built_from "${name##*/}" "github.com/kubernetes-csi/external-snapshotter/v8@$tag"
      image "$ref" "[\"/usr/local/bin/${name##*/}\"]" "$bin/${name##*/}" ;;
    */sig-storage/csi-attacher | */sig-storage/csi-resizer | */sig-storage/livenessprobe | */sig-storage/csi-node-driver-registrar)
      [ -x "$work/csi-standin" ] || gobuild csi-standin
      role=${name##*/}; role=${role#csi-}; role=${role#node-driver-}
      image "$ref" "[\"/usr/local/bin/csi-standin\", \"$role\"]" "$work/csi-standin" ;;
    *) die "the lab builds no image $ref (known: the cloud controller, the Cinder CSI plugin and its sidecars, the snapshot controller)" ;;
  esac
done
rm -f "$work/pause" "$work/csi-standin"
touch "$work/.done"
rm -rf "$out"; mv "$work" "$out"
say "images built in $((SECONDS - t0)) s: $out"
echo "$out"
