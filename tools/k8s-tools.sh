#!/usr/bin/env bash
# Builds the Kubernetes tools the test tier and the lab run: kubeadm, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, etcd, etcdctl, kwok, kwokctl, helm, and k8s-keystone-auth (the lab runs the real webhook
# against its real Keystone); on request also kubelet and kube-proxy (the lab hosts of tools/lab/hosts run them),
# the tenant cluster's cloud add-ons (openstack-cloud-controller-manager and cinder-csi-plugin, the CSI sidecars
# csi-provisioner and csi-snapshotter, and snapshot-controller: the lab's tenant cluster runs them against the lab's
# OpenStack) and versitygw (the
# S3 gateway that holds the lab's shared Pulumi state, tools/lab/state/state.sh). Everything is
# compiled from Go modules fetched through the Go module proxy (no prebuilt binaries), and cached outside the
# repository by version, so a warm run only checks that the binaries are there and prints their versions.
#
#   tools/k8s-tools.sh              build what is missing, then print the versions
#   tools/k8s-tools.sh kubeadm      only kubeadm (all the test tier needs); also: kubernetes etcd kwok helm
#                                   keystone-auth kubelet kube-proxy cloud-controller cinder-csi csi-sidecars
#                                   versitygw (those after keystone-auth: not in the default set)
#   tools/k8s-tools.sh --env [...]  print the environment to eval (fails if a binary is missing)
#   tools/k8s-tools.sh --latest     show the newest versions the proxy serves whole (to bump the pins below)
#
# Cache: ${OSK_CACHE:-~/.cache/osk}/k8s-<K8S_VERSION>/bin. OSK_VERBOSE=1 shows Go's own output; otherwise it
# goes to a log under the cache, named on failure. Pieces are built one after the other (2-core machines).
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.33.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
KWOK_VERSION=${KWOK_VERSION:-0.8.0}
HELM_VERSION=${HELM_VERSION:-3.22.0}
VERSITYGW_VERSION=${VERSITYGW_VERSION:-1.8.0}
# The CSI sidecars the tenant add-ons pin (components/tenant/addons/manifests.ts SIDECARS); the lab's images check
# that the tags agree (tools/lab/hosts/images.sh).
CSI_PROVISIONER_VERSION=${CSI_PROVISIONER_VERSION:-5.2.0}
CSI_SNAPSHOTTER_VERSION=${CSI_SNAPSHOTTER_VERSION:-8.2.1}
# cloud-provider-openstack follows Kubernetes' minors; OSK deploys the v1.<minor>.0 release of the cluster's minor.
CPO_VERSION=${CPO_VERSION:-1.$(cut -d. -f2 <<<"$K8S_VERSION").0}

cache=${OSK_CACHE:-$HOME/.cache/osk}
root=$cache/k8s-$K8S_VERSION
bindir=$root/bin
stamps=$root/stamps # one file per binary naming the module@version it was built from
logs=$root/logs

say() { printf '[k8s-tools] %s\n' "$*" >&2; }
die() { printf '[k8s-tools] error: %s\n' "$*" >&2; exit 1; }

# --- what each piece is made of -----------------------------------------------------------------------------
kube_bins=(kubeadm kube-apiserver kube-controller-manager kube-scheduler kubectl)
piece_bins() {
  case $1 in
    kubeadm) echo kubeadm ;;
    kubelet) echo kubelet ;;
    kube-proxy) echo kube-proxy ;;
    kubernetes) echo "${kube_bins[*]}" ;;
    etcd) echo etcd etcdctl ;;
    kwok) echo kwok kwokctl ;;
    helm) echo helm ;;
    keystone-auth) echo k8s-keystone-auth ;;
    cloud-controller) echo openstack-cloud-controller-manager ;;
    cinder-csi) echo cinder-csi-plugin ;;
    csi-sidecars) echo csi-provisioner csi-snapshotter snapshot-controller ;;
    versitygw) echo versitygw ;;
    *) die "unknown piece '$1' (known: kubeadm kubernetes etcd kwok helm keystone-auth kubelet kube-proxy cloud-controller cinder-csi csi-sidecars versitygw)" ;;
  esac
}
bin_source() { # binary -> the module@version it must come from
  case $1 in
    kube*) echo "k8s.io/kubernetes@v$K8S_VERSION" ;;
    etcd | etcdctl) echo "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" ;;
    kwok | kwokctl) echo "sigs.k8s.io/kwok@v$KWOK_VERSION" ;;
    helm) echo "helm.sh/helm/v3@v$HELM_VERSION" ;;
    k8s-keystone-auth | openstack-cloud-controller-manager | cinder-csi-plugin) echo "k8s.io/cloud-provider-openstack@v$CPO_VERSION" ;;
    csi-provisioner) echo "github.com/kubernetes-csi/external-provisioner/v5@v$CSI_PROVISIONER_VERSION" ;;
    csi-snapshotter | snapshot-controller) echo "github.com/kubernetes-csi/external-snapshotter/v8@v$CSI_SNAPSHOTTER_VERSION" ;;
    versitygw) echo "github.com/versity/versitygw@v$VERSITYGW_VERSION" ;;
  esac
}
have() { [ -x "$bindir/$1" ] && [ "$(cat "$stamps/$1" 2>/dev/null)" = "$(bin_source "$1")" ]; }
bin_version() { # binary [dir]: its version output
  local b=${2:-$bindir}/$1
  case $1 in
    kubeadm) "$b" version -o short ;;
    kubectl) "$b" version --client 2>/dev/null | sed -n 1p ;;
    kube-* | kubelet) "$b" --version ;;
    etcd) "$b" --version | sed -n 1p ;;
    etcdctl) "$b" version | sed -n 1p ;;
    kwok | kwokctl) "$b" --version ;;
    helm) "$b" version --short ;;
    versitygw) "$b" --version | sed -n 1p ;;
    csi-provisioner | csi-snapshotter | snapshot-controller) "$b" --version | sed -n 1p ;;
    # They have no version flag; the usage output proves each runs, the stamp says what it was built from.
    k8s-keystone-auth | openstack-cloud-controller-manager | cinder-csi-plugin) "$b" --help >/dev/null 2>&1 && cat "$stamps/$1" 2>/dev/null || echo "built from $(bin_source "$1")" ;;
  esac
}

mode=build
case ${1:-} in -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
[ "${1:-}" = --env ] && { mode="env"; shift; }
[ "${1:-}" = --latest ] && { mode="latest"; shift; }
pieces=("$@") given=${*:+ $*}
[ ${#pieces[@]} -gt 0 ] || pieces=(kubernetes etcd kwok helm keystone-auth)
wanted=()
for p in "${pieces[@]}"; do for b in $(piece_bins "$p"); do wanted+=("$b"); done; done

if [ "$mode" = env ]; then
  for b in "${wanted[@]}"; do
    have "$b" || die "$bindir/$b (from $(bin_source "$b")) is missing: run tools/k8s-tools.sh$given first"
  done
  echo "export PATH=\"$bindir:\$PATH\""
  echo "export OSK_K8S_BIN=$bindir"
  exit 0
fi

# --- Go and the module proxy ----------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "Go is not installed: it is needed to build the Kubernetes tools from Go modules (Go 1.26 or newer, see https://go.dev/dl)"
# The checksum database is unreachable here; GOTOOLCHAIN=local stops Go from trying to download another Go.
# GOWORK=off: the kubernetes module ships a go.work that points at staging directories its zip does not contain.
export GOFLAGS=-mod=mod GOSUMDB=off GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
# Downloads go through the proxy only: drop "direct" (it would try git over the network) and "off".
GOPROXY=$(go env GOPROXY | sed 's/[,|]/\n/g' | grep -v -x -e direct -e off | paste -sd, -) || true
[ -n "$GOPROXY" ] || die "GOPROXY ($(go env GOPROXY)) names no module proxy; the tools are built only from a proxy"
export GOPROXY
proxy=${GOPROXY%%,*}; proxy=${proxy%/}

# Checks .info, .mod and .zip of each module@version on the first proxy: this proxy refuses some versions
# (HTTP 403) for .mod or .zip even when it serves .info. Prints "module@version what=code" per failure.
proxy_missing() {
  command -v curl >/dev/null 2>&1 || return 0 # without curl, Go itself reports it below
  local mv m v cfg=''
  for mv in "$@"; do
    m=$(printf '%s' "${mv%@*}" | sed 's/[A-Z]/!\L&/g') v=${mv##*@} # the proxy's case-encoding
    for s in info mod zip; do cfg+="url = \"$proxy/$m/@v/$v.$s\""$'\n'"output = /dev/null"$'\n'; done
  done
  curl -sS -I -K - -w '%{http_code} %{url_effective}\n' <<<"$cfg" 2>/dev/null |
    awk -v p="$proxy/" '$1 != 200 { u = substr($2, length(p) + 1); sub(/\/@v\//, "@", u); n = split(u, a, ".");
      print substr(u, 1, length(u) - length(a[n]) - 1) " ." a[n] "=HTTP " $1 }'
}
need_on_proxy() { # module@version...
  local miss; miss=$(proxy_missing "$@")
  [ -z "$miss" ] || die "not available from the Go module proxy $proxy: $(awk '{ w[$1] = w[$1] (w[$1] ? ", " : "") $2 " " $3 }
    END { for (m in w) printf "%s (%s) ", m, w[m] }' <<<"$miss")- pick another version (tools/k8s-tools.sh --latest lists the newest whole ones)"
}

if [ "$mode" = latest ]; then
  command -v curl >/dev/null 2>&1 || die "--latest needs curl"
  for mp in k8s.io/kubernetes@v${K8S_VERSION%.*}. go.etcd.io/etcd/server/v3@v3.6. sigs.k8s.io/kwok@v0. helm.sh/helm/v3@v3.; do
    m=${mp%@*} pre=${mp#*@} found=
    for v in $(curl -sfS "$proxy/$m/@v/list" | grep -F "$pre" | grep -v -- - | sort -rV); do
      [ -n "$(proxy_missing "$m@$v")" ] || { found=$v; break; }
      say "$m@$v: $(proxy_missing "$m@$v" | cut -d' ' -f2- | paste -sd' ' -), skipped"
    done
    echo "$m ${pre}x: newest served whole: ${found:-none}"
  done
  exit 0
fi

go_version=$(go env GOVERSION); go_version=${go_version#go}
needs_go() { # module dir: the Go this module declares must not be newer than ours
  local want; want=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$1/go.mod")
  [ "$(printf '%s\n%s\n' "$want" "$go_version" | sort -V | sed -n 1p)" = "$want" ] ||
    die "$(basename "$1") needs Go $want but this machine has Go $go_version; install a newer Go"
}

mkdir -p "$bindir" "$stamps" "$logs"
# One build at a time per cache: lab parts that start side by side on a cold machine each ask for their tools, and
# two builds of one piece would share its work directory. The second waits, then finds the binaries there.
exec 8>"$root/build.lock"
# Waiting says so every 15 s: the other build can take a quarter of an hour on a cold machine.
if ! flock -n 8; then
  say "another build of these tools is under way (lock $root/build.lock); waiting for it"
  waited=0
  until flock -w 15 8; do waited=$((waited + 15)); say "still waiting for the other build: ${waited} s"; done
  [ "$waited" = 0 ] || say "the other build is done after about ${waited} s"
fi
# Go's output goes to the piece's log unless OSK_VERBOSE=1; failures name the log and show its tail.
log=/dev/null
quiet() {
  if [ "${OSK_VERBOSE:-0}" = 1 ]; then "$@" 2>&1 | tee -a "$log" >&2; else "$@" >>"$log" 2>&1; fi && return 0
  [ "${OSK_VERBOSE:-0}" = 1 ] || tail -n 15 "$log" | sed 's/^/    /' >&2
  die "'$1 $2 … ${*: -1}' failed (in $PWD); full log: $log"
}
# Downloads a module into the module cache; prints its (read-only) directory.
module_dir() { # module version
  local json dir
  json=$(go mod download -json "$1@$2" 2>>"$log") || true
  dir=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$json")
  [ -n "$dir" ] || die "Go could not download $1@$2 from $GOPROXY: $(sed -n 's/^\t"Error": "\(.*\)",*$/\1/p' <<<"$json")"
  needs_go "$dir"
  echo "$dir"
}
# Copies a module out of the module cache into a writable directory, to build it with its own go.mod.
module_src() { # module version dest
  local dir; dir=$(module_dir "$1" "$2")
  rm -rf "$3"; mkdir -p "$(dirname "$3")"; cp -r "$dir" "$3"; chmod -R u+w "$3"
}
# A piece is built into $out (bin.<piece>.tmp); only binaries that ran are moved into bin/, and the stamp
# is written last, so a killed build never leaves a binary that counts as cached.
install_bins() {
  local b
  for b in "$@"; do
    [ -x "$out/$b" ] || die "the build did not produce $b"
    mv -f "$out/$b" "$bindir/$b"
    bin_source "$b" >"$stamps/$b"
    say "  $b: $(bin_version "$b" | paste -sd' ' -)"
  done
  rm -rf "$out" "$work"
}
begin() { # piece: sets log, work and out
  log=$logs/$1.log; : >"$log"
  work=$root/work.$1.tmp; out=$root/bin.$1.tmp
  rm -rf "$work" "$out"; mkdir -p "$work" "$out"
}

# --- kubernetes: kubeadm and the control plane ----------------------------------------------------------------
build_kubernetes() { # binaries
  local ver=v$K8S_VERSION src major minor staging sv m edits=() missing
  begin kubernetes
  say "kubernetes $ver: building $* from k8s.io/kubernetes@$ver"
  need_on_proxy "k8s.io/kubernetes@$ver"
  src=$work/kubernetes-$ver
  module_src k8s.io/kubernetes "$ver" "$src"
  cd "$src"
  rm -f go.work go.work.sum
  # The staging modules (k8s.io/api, client-go, ...) are replaced by directories the module zip leaves out;
  # use the copies published at v0.<minor>.<patch> instead.
  major=${K8S_VERSION%%.*} minor=${K8S_VERSION#*.}; minor=${minor%%.*}; sv=v0.${K8S_VERSION#*.}
  staging=$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/\1[[:space:]]*$#\1#p' go.mod)
  [ -n "$staging" ] || die "found no staging replace lines in k8s.io/kubernetes@$ver go.mod"
  local want=(); for m in $staging; do want+=("$m@$sv"); done
  missing=$(proxy_missing "${want[@]}" | cut -d' ' -f1 | sort -u)
  for m in $staging; do
    edits+=("-dropreplace=$m")
    if grep -qxF "$m@$sv" <<<"$missing"; then
      # Not needed by these commands, hopefully: if it is, go build names it below.
      say "  note: $m@$sv is not available from the proxy; dropping it from go.mod"
      edits+=("-droprequire=$m")
    else
      edits+=("-require=$m@$sv")
    fi
  done
  go mod edit "${edits[@]}"
  # The variables hack/lib/version.sh stamps, in both places it stamps them; the build date is the tag's.
  local date ld='-s -w' k
  date=$(go mod download -json "k8s.io/kubernetes@$ver" | sed -n 's/^\t"Info": "\(.*\)",$/\1/p' | xargs cat | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p')
  for k in gitVersion=$ver gitMajor=$major gitMinor=$minor gitTreeState=clean gitCommit= buildDate=${date:-1970-01-01T00:00:00Z}; do
    ld+=" -X k8s.io/component-base/version.$k -X k8s.io/client-go/pkg/version.$k"
  done
  local pkgs=() b
  for b in "$@"; do pkgs+=("./cmd/$b"); done
  # One go build for all of them, so the packages they share compile once. Tags as upstream builds them.
  quiet go build -mod=mod -trimpath -tags selinux,notest -ldflags "$ld" -o "$out/" "${pkgs[@]}"
  cd "$root"
  for b in "$@"; do
    bin_version "$b" "$out" 2>&1 | grep -qF "$ver" || die "$b does not report $ver: $(bin_version "$b" "$out" 2>&1 | sed -n 1p)"
  done
  install_bins "$@"
}

# --- etcd: the server's own main package cannot be built with go install (its go.mod has replace lines), ----
# so a throwaway main module requires it and calls its entry point.
build_etcd() {
  local ver=v$ETCD_VERSION
  begin etcd
  say "etcd $ver: building etcd and etcdctl from go.etcd.io/etcd/server/v3@$ver and go.etcd.io/etcd/etcdctl/v3@$ver"
  need_on_proxy "go.etcd.io/etcd/server/v3@$ver" "go.etcd.io/etcd/etcdctl/v3@$ver"
  local dir; dir=$(module_dir go.etcd.io/etcd/server/v3 "$ver")
  grep -q '^func Main(args \[\]string)' "$dir/etcdmain/main.go" ||
    die "go.etcd.io/etcd/server/v3@$ver has no etcdmain.Main(args []string); update the wrapper in $0"
  mkdir -p "$work/wrapper"; cd "$work/wrapper"
  cat >main.go <<'EOF'
// Generated by tools/k8s-tools.sh: the etcd server binary, as go.etcd.io/etcd/server/v3's own main.go.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  quiet go mod init osk.local/etcd
  go mod edit -require="go.etcd.io/etcd/server/v3@$ver" -require="go.etcd.io/etcd/etcdctl/v3@$ver"
  # Release builds stamp the git SHA; from a module there is none, so say where it came from instead.
  local ld="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-$ver"
  quiet go build -mod=mod -trimpath -ldflags "$ld" -o "$out/etcd" .
  quiet go build -mod=mod -trimpath -ldflags "$ld" -o "$out/etcdctl" go.etcd.io/etcd/etcdctl/v3
  cd "$root"
  install_bins etcd etcdctl
}

# --- kwok and kwokctl -----------------------------------------------------------------------------------------
build_kwok() {
  local ver=v$KWOK_VERSION
  begin kwok
  say "kwok $ver: building kwok and kwokctl from sigs.k8s.io/kwok@$ver"
  need_on_proxy "sigs.k8s.io/kwok@$ver"
  module_src sigs.k8s.io/kwok "$ver" "$work/kwok"
  cd "$work/kwok"
  # kwokctl's default Kubernetes version is the one built here (hack/releases.sh's KUBE_VERSION knob).
  quiet go build -mod=mod -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION" \
    -o "$out/" ./cmd/kwok ./cmd/kwokctl
  cd "$root"
  install_bins kwok kwokctl
}

# --- helm -----------------------------------------------------------------------------------------------------
build_helm() {
  local ver=v$HELM_VERSION kv ld p
  begin helm
  say "helm $ver: building helm from helm.sh/helm/v3@$ver"
  need_on_proxy "helm.sh/helm/v3@$ver"
  module_src helm.sh/helm/v3 "$ver" "$work/helm"
  cd "$work/helm"
  # As helm's Makefile: the version, and the Kubernetes version its client-go speaks (for lint and capabilities).
  kv=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' go.mod | sed -n 1p)
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=$ver -X helm.sh/helm/v3/internal/version.metadata= -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  if [ -n "$kv" ]; then
    for p in pkg/lint/rules pkg/chartutil; do ld+=" -X helm.sh/helm/v3/$p.k8sVersionMajor=1 -X helm.sh/helm/v3/$p.k8sVersionMinor=$kv"; done
  fi
  quiet go build -mod=mod -trimpath -ldflags "$ld" -o "$out/helm" ./cmd/helm
  cd "$root"
  install_bins helm
}

# --- cloud-provider-openstack: k8s-keystone-auth, the cloud controller and the Cinder CSI plugin, in one go build in
# a copy of the module (its go.mod replaces the Kubernetes staging modules the cloud controller imports) ------------
build_cloud-provider-openstack() { # binaries
  local ver=v$CPO_VERSION pkgs=() b
  begin cloud-provider-openstack
  say "cloud-provider-openstack $ver: building $* from k8s.io/cloud-provider-openstack@$ver"
  need_on_proxy "k8s.io/cloud-provider-openstack@$ver"
  module_src k8s.io/cloud-provider-openstack "$ver" "$work/cpo"
  cd "$work/cpo"
  for b in "$@"; do pkgs+=("./cmd/$b"); done
  quiet go build -mod=mod -trimpath -ldflags "-s -w -X k8s.io/cloud-provider-openstack/pkg/version.Version=$ver" -o "$out/" "${pkgs[@]}"
  cd "$root"
  install_bins "$@"
}

# --- the CSI sidecars: each from a copy of its module, as its Makefile builds it (the version stamped in main) ----
build_csi-sidecars() { # binaries
  begin csi-sidecars
  need_on_proxy "$(bin_source csi-provisioner)" "$(bin_source csi-snapshotter)" "github.com/kubernetes-csi/external-snapshotter/client/v8@$(client_version)"
  local b mv src
  for b in "$@"; do
    mv=$(bin_source "$b") src=$work/$(tr '/@' '__' <<<"$(bin_source "$b")")
    say "$b: building from $mv"
    if [ ! -d "$src" ]; then # csi-snapshotter and snapshot-controller share one copy
      module_src "${mv%@*}" "${mv#*@}" "$src"
      # The zip holds only vendor/modules.txt: build from the proxy. The snapshotter's client module is replaced
      # by ./client, which the zip leaves out (a module of its own): require its published copy instead.
      rm -rf "$src/vendor"
      if grep -q 'external-snapshotter/client/v8 => ./client' "$src/go.mod"; then
        (cd "$src" && go mod edit -dropreplace=github.com/kubernetes-csi/external-snapshotter/client/v8 -require="github.com/kubernetes-csi/external-snapshotter/client/v8@$(client_version)")
      fi
    fi
    cd "$src"
    quiet go build -mod=mod -trimpath -ldflags "-s -w -X main.version=${mv#*@}" -o "$out/$b" "./cmd/$b"
    cd "$root"
  done
  install_bins "$@"
}
# The client module release the snapshotter's go.mod names (its CRDs are what the tenant add-ons install).
client_version() { local d; d=$(module_dir github.com/kubernetes-csi/external-snapshotter/v8 "v$CSI_SNAPSHOTTER_VERSION"); sed -n 's#^[[:space:]]*github.com/kubernetes-csi/external-snapshotter/client/v8 \(v[^[:space:]]*\)$#\1#p' "$d/go.mod" | sed -n 1p; }

# --- versitygw: an S3 gateway over a directory (the lab's shared state backend) ----------------------------------
build_versitygw() {
  local ver=v$VERSITYGW_VERSION
  begin versitygw
  say "versitygw $ver: building from github.com/versity/versitygw@$ver"
  need_on_proxy "github.com/versity/versitygw@$ver"
  module_src github.com/versity/versitygw "$ver" "$work/versitygw"
  cd "$work/versitygw"
  quiet go build -mod=mod -trimpath -ldflags "-s -w -X main.Version=$ver -X main.Build=module-proxy" -o "$out/versitygw" ./cmd/versitygw
  cd "$root"
  install_bins versitygw
}

# --- build what is missing, one piece at a time ---------------------------------------------------------------
# Progress and build times: tools/lib/progress.sh (the key names the binaries, kubeadm alone builds faster).
. "$(cd "$(dirname "$0")" && pwd)/lib/progress.sh"
timed() { OSK_PROGRESS_WATCH=${OSK_PROGRESS_WATCH:-$(go env GOMODCACHE)/cache/download} progress_run k8s-tools "k8s-tools:${1#build_}${2:+ ${*:2}}" "building ${1#build_}" "$@"; }
todo_kube=() todo_cpo=() todo_csi=() todo=() cached=()
for b in "${wanted[@]}"; do
  have "$b" && { cached+=("$b"); continue; }
  case $b in
    kube*) [[ " ${todo_kube[*]} " == *" $b "* ]] || todo_kube+=("$b") ;;
    etcd*) [[ " ${todo[*]} " == *" etcd "* ]] || todo+=(etcd) ;;
    kwok*) [[ " ${todo[*]} " == *" kwok "* ]] || todo+=(kwok) ;;
    helm) todo+=(helm) ;;
    k8s-keystone-auth | openstack-cloud-controller-manager | cinder-csi-plugin) todo_cpo+=("$b") ;;
    csi-provisioner | csi-snapshotter | snapshot-controller) todo_csi+=("$b") ;;
    versitygw) todo+=(versitygw) ;;
  esac
done
if [ ${#todo_kube[@]} -gt 0 ]; then (timed build_kubernetes "${todo_kube[@]}"); fi
if [ ${#todo_cpo[@]} -gt 0 ]; then (timed build_cloud-provider-openstack "${todo_cpo[@]}"); fi
if [ ${#todo_csi[@]} -gt 0 ]; then (timed build_csi-sidecars "${todo_csi[@]}"); fi
for p in ${todo[@]+"${todo[@]}"}; do (timed "build_$p"); done

# Each built piece printed its versions; the cached ones must still run.
for b in ${cached[@]+"${cached[@]}"}; do
  v=$(bin_version "$b" 2>&1 | paste -sd' ' -) || die "$bindir/$b does not run: $v"
  say "$b: $v (cached)"
done
say "ready: $bindir (eval \"\$(tools/k8s-tools.sh --env$given)\")"
