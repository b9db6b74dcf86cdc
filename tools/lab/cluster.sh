#!/usr/bin/env bash
# A real, local Kubernetes API for the test lab: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
# and the kwok controller, all run from the binaries tools/k8s-tools.sh builds (kwokctl's "binary" runtime,
# offline: every binary is a local path, so nothing is fetched), bound to 127.0.0.1 only. Nodes are simulated
# by kwok, whose default stages make pods Running+Ready, Job pods Succeeded and deleted pods go away.
#
#   tools/lab/cluster.sh up <statedir> <nodes-file>   start, write <statedir>/kubeconfig, create Ready nodes
#   tools/lab/cluster.sh status <statedir>            processes, RSS, API health, nodes (exit 1 if not healthy)
#   tools/lab/cluster.sh down <statedir>              stop by PID (TERM, KILL after 10 s), remove state; idempotent
#
# <nodes-file>: one node a line, `<name>` or `<name> <key>=<value>,<key>=<value>`; blank lines and # comments
# are skipped. Each node gets kwok's annotation and label kwok.x-k8s.io/node=fake, the label type=kwok and
# allocatable cpu 32 / memory 256Gi / pods 110.
#
# <statedir> holds: kubeconfig (0600, admin client cert inline), pids ("<component> <pid>" lines), listen
# (the sockets the lab listens on), nodes.yaml (the Nodes applied), kwokctl.yaml, kwokctl.log and kwok/ (kwokctl's workdir: PKI, etcd data,
# component logs). Env: OSK_K8S_BIN (binaries; default from tools/k8s-tools.sh --env), LAB_TIMEOUT (seconds
# to wait for the API and the nodes, default 120), LAB_KEEP_ON_FAILURE=1 (leave a failed `up` running).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cluster_name=osk-lab # kwokctl's cluster name; each statedir has its own kwokctl workdir, so it never clashes
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller)
timeout=${LAB_TIMEOUT:-120}
port_lock=${OSK_LAB_PORT_LOCK:-/tmp/osk-lab-kwokctl-ports.lock} # shared by every lab on this machine

say() { printf '[lab-cluster] %s\n' "$*" >&2; }
die() { printf '[lab-cluster] error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

# --- paths ---------------------------------------------------------------------------------------------------
set_paths() { # statedir: absolute, so the paths kwokctl bakes into command lines stay valid from any cwd
  [ -n "${1:-}" ] || usage
  state=$(realpath -m -- "$1")
  workdir=$state/kwok                        # KWOK_WORKDIR: kwokctl's config, cache and clusters live here
  cdir=$workdir/clusters/$cluster_name      # this cluster's PKI, etcd data, logs, pid files
  kubeconfig=$state/kubeconfig
  pidfile=$state/pids
}

find_bins() {
  if [ -z "${OSK_K8S_BIN:-}" ]; then
    local envout
    envout=$(bash "$here/../k8s-tools.sh" --env kubernetes etcd kwok) ||
      die "the Kubernetes binaries are missing: run tools/k8s-tools.sh first"
    eval "$envout"
  fi
  bin=$OSK_K8S_BIN
  local b
  for b in etcd etcdctl kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
    [ -x "$bin/$b" ] || die "$bin/$b is missing or not executable: run tools/k8s-tools.sh"
  done
  export PATH="$bin:$PATH" # kwokctl looks kubectl up on PATH; finding ours there keeps it from fetching one
}

kwokctl_() { # kwokctl confined to this statedir: its workdir, cache and default config all live under it
  KWOK_WORKDIR=$workdir "$bin/kwokctl" --name "$cluster_name" "$@"
}
# Discovery cache under the statedir: not in ~/.kube, and never stale from an earlier lab on the same port.
kc() { "$bin/kubectl" --kubeconfig "$kubeconfig" --cache-dir "$state/kube-cache" "$@"; }

# --- processes -----------------------------------------------------------------------------------------------
alive() { # pid: running and not a zombie (an orphan's zombie lingers when PID 1 does not reap)
  local s
  s=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$s" ] && [ "$s" != Z ]
}
ours() { # pid: its command line names this lab's kwokctl workdir (guards against a reused PID)
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$workdir/"
}
lab_procs() { # every live process whose command line names this lab's workdir, whatever its pids file says
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    case $(cat "/proc/$p/comm" 2>/dev/null) in etcd | kube-* | kwok*) ;; *) continue ;; esac
    alive "$p" && ours "$p" && echo "$p"
  done
  return 0
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

stop_pids() { # pid...: SIGTERM, then SIGKILL whatever is left after 10 s
  local p left=()
  for p in "$@"; do
    if alive "$p" && ours "$p" && kill -TERM "$p" 2>/dev/null; then left+=("$p"); fi
  done
  [ ${#left[@]} -gt 0 ] || return 0
  say "sent SIGTERM to ${left[*]} ($(ps -o comm= -p "$(IFS=,; echo "${left[*]}")" | paste -sd' '))"
  for _ in $(seq 1 100); do
    local still=()
    for p in "${left[@]}"; do if alive "$p"; then still+=("$p"); fi; done
    left=("${still[@]+"${still[@]}"}")
    [ ${#left[@]} -gt 0 ] || return 0
    sleep 0.1
  done
  say "still running after 10 s, sending SIGKILL to ${left[*]}"
  for p in "${left[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local still=()
    for p in "${left[@]}"; do if alive "$p"; then still+=("$p"); fi; done
    [ ${#still[@]} -gt 0 ] || return 0
    sleep 0.1
  done
  die "processes ${left[*]} survived SIGKILL"
}

# --- down ----------------------------------------------------------------------------------------------------
do_down() {
  local p c f pids=() scanned=0
  declare -A pid_of=()
  if [ -f "$pidfile" ]; then
    while read -r c p; do if [ -n "${p:-}" ]; then pid_of[$c]=$p; fi; done <"$pidfile"
  fi
  # kwokctl's own pid files, then a scan of /proc: an `up` that died before writing <statedir>/pids, or a
  # lost pids file, must not leak processes.
  for f in "$cdir"/pids/*.pid; do
    [ -f "$f" ] || continue
    c=$(basename "$f" .pid)
    [ -n "${pid_of[$c]:-}" ] || pid_of[$c]=$(tr -dc 0-9 <"$f")
  done
  while read -r p; do
    [ -n "$p" ] || continue
    case " ${pid_of[*]} " in *" $p "*) continue ;; esac
    c=$(cat "/proc/$p/comm" 2>/dev/null || echo "?")
    [ "$c" = kube-controller ] && c=kube-controller-manager # comm is cut at 15 characters
    [ -z "${pid_of[$c]:-}" ] || c="$c-$p"
    pid_of[$c]=$p scanned=$((scanned + 1))
  done < <(lab_procs)
  [ "$scanned" -eq 0 ] || say "found $scanned unrecorded process(es) of this lab in /proc"
  [ ${#pid_of[@]} -gt 0 ] || say "no process recorded for $state"

  # Clients first, etcd last: an apiserver whose etcd is gone hangs in shutdown until SIGKILL.
  local group
  for group in "kwok-controller kube-scheduler kube-controller-manager" kube-apiserver etcd; do
    pids=()
    for c in $group; do if [ -n "${pid_of[$c]:-}" ]; then pids+=("${pid_of[$c]}"); fi; done
    [ ${#pids[@]} -eq 0 ] || stop_pids "${pids[@]}"
  done
  pids=("${pid_of[@]}") # whatever is left (e.g. a second copy found by the scan)
  [ ${#pids[@]} -eq 0 ] || stop_pids "${pids[@]}"

  # kwokctl removes its cluster dir (PKI, etcd data, logs); it only SIGTERMs by pid file, already done above.
  # --kubeconfig points at a file under the statedir so it never edits ~/.kube/config.
  if [ -d "$cdir" ] && [ -x "$bin/kwokctl" ]; then
    kwokctl_ delete cluster --kubeconfig "$workdir/kwokctl-contexts.yaml" >>"$state/kwokctl.log" 2>&1 ||
      say "kwokctl delete cluster failed (see $state/kwokctl.log); removing $cdir by hand"
  fi
  rm -rf -- "$workdir" "$kubeconfig" "$pidfile" "$state/kwokctl.yaml" "$state/kube-cache" "$state/nodes.yaml"

  # The processes were orphans (kwokctl exits after starting them), so PID 1 reaps them; give it a moment
  # so that ps is clean, and name any that stays a zombie (dead, holding nothing).
  local zombies=()
  for _ in $(seq 1 50); do
    zombies=()
    for p in "${pid_of[@]}"; do
      if [ "$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null)" = Z ]; then zombies+=("$p"); fi
    done
    [ ${#zombies[@]} -gt 0 ] || break
    sleep 0.1
  done
  [ ${#zombies[@]} -eq 0 ] || say "exited but not yet reaped by PID 1 (zombies, nothing running): ${zombies[*]}"

  # Verify: no etcd/kube-*/kwok process of this lab is left, and none holds the lab's sockets.
  say "checking /proc for etcd, kube-*, kwok* processes whose command line names $workdir/"
  local left
  left=$(lab_procs)
  [ -z "$left" ] || die "left running: $(ps -o pid=,args= -p "$(echo "$left" | paste -sd,)" | cut -c1-160)"
  if [ -f "$state/listen" ]; then
    local addr owner
    say "checking no process of the lab listens on $(paste -sd' ' "$state/listen")"
    while read -r addr; do
      [ -n "$addr" ] || continue
      owner=$(ss -ltnpH "sport = :${addr##*:}" 2>/dev/null | awk -v a="$addr" \
        '$4 == a && !o && match($0, /pid=[0-9]+/) { o = substr($0, RSTART + 4, RLENGTH - 4) } END { print o }' || true)
      [ -n "$owner" ] || continue
      ! ours "$owner" || die "$addr is still held by pid $owner of this lab"
      # Ports are picked free at each up, so another lab may already have taken a released one.
      say "note: $addr is now used by pid $owner ($(cat "/proc/$owner/comm" 2>/dev/null)), not by this lab"
    done <"$state/listen"
    rm -f -- "$state/listen"
  fi
  say "down: nothing of the lab in $state is left running"
}

# --- up ------------------------------------------------------------------------------------------------------
write_kwokctl_config() { # the options kwokctl has no flag for; binaries are passed as flags too
  cat >"$state/kwokctl.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  # default is 0.0.0.0: keep every component (apiserver, etcd, controllers, kwok) on loopback
  bindAddress: 127.0.0.1
  cacheDir: $workdir/cache
  kubectlBinary: $bin/kubectl
  etcdctlBinary: $bin/etcdctl
  quietPull: true
componentsPatches:
# kwokctl's binary runtime makes kwok manage every node; limit it to the nodes marked as fake
- name: kwok-controller
  extraArgs:
  - key: manage-all-nodes
    value: "false"
    override: true
  - key: manage-nodes-with-annotation-selector
    value: kwok.x-k8s.io/node=fake
EOF
  # Stages with delays (tools/lab/stages.ts writes them): given any, kwokctl uses them instead of its defaults.
  if [ -n "${OSK_LAB_STAGES:-}" ]; then
    [ -r "$OSK_LAB_STAGES" ] || die "OSK_LAB_STAGES=$OSK_LAB_STAGES: cannot read it"
    cat "$OSK_LAB_STAGES" >>"$state/kwokctl.yaml"
  fi
}

write_admin_kubeconfig() { # inline certs: the kubeconfig is stored as a secret elsewhere, files would not follow
  local server
  server=$(awk '$1 == "server:" {print $2; exit}' "$cdir/kubeconfig.yaml")
  [ -n "$server" ] || die "no server in $cdir/kubeconfig.yaml"
  b64() { base64 -w0 <"$1"; }
  (
    umask 077
    cat >"$kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $cluster_name
  cluster:
    server: $server
    certificate-authority-data: $(b64 "$cdir/pki/ca.crt")
users:
- name: $cluster_name-admin
  user:
    client-certificate-data: $(b64 "$cdir/pki/admin.crt")
    client-key-data: $(b64 "$cdir/pki/admin.key")
contexts:
- name: $cluster_name
  context:
    cluster: $cluster_name
    user: $cluster_name-admin
current-context: $cluster_name
EOF
  )
  mv -f -- "$kubeconfig.tmp" "$kubeconfig"
  chmod 0600 "$kubeconfig"
  api_url=$server
}

yq_str() { # a YAML double-quoted scalar, into REPLY (no subshell: called for every label of every node)
  local s=${1//\\/\\\\}
  REPLY="\"${s//\"/\\\"}\""
}

nodes_manifest() { # nodes-file -> Node objects on stdout; node names into the global array node_names
  local line name labels extra n=0 kv k v kq
  node_names=()
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line=${line%%#*}
    read -r name labels extra <<<"$line" || true
    [ -n "${name:-}" ] || continue
    [ -z "${extra:-}" ] || die "$nodes_file:$n: expected '<name> [k=v,k=v]', got '$line'"
    [[ $name =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] || die "$nodes_file:$n: '$name' is not a valid node name"
    node_names+=("$name")
    # Defaults first, the file's labels after, so the file can override them.
    declare -A lab=(
      [kubernetes.io/hostname]=$name [kubernetes.io/os]=linux [kubernetes.io/arch]=amd64
      [type]=kwok [kwok.x-k8s.io/node]=fake
    )
    local order=(kubernetes.io/hostname kubernetes.io/os kubernetes.io/arch type kwok.x-k8s.io/node)
    if [ -n "${labels:-}" ]; then
      IFS=, read -r -a kvs <<<"$labels"
      for kv in "${kvs[@]}"; do
        [ -n "$kv" ] || continue
        [[ $kv == *=* ]] || die "$nodes_file:$n: label '$kv' is not <key>=<value>"
        k=${kv%%=*} v=${kv#*=}
        [ -n "$k" ] || die "$nodes_file:$n: label '$kv' has no key"
        [ -n "${lab[$k]+x}" ] || order+=("$k")
        lab[$k]=$v
      done
    fi
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
EOF
    for k in "${order[@]}"; do
      yq_str "$k" && kq=$REPLY && yq_str "${lab[$k]}" && printf '    %s: %s\n' "$kq" "$REPLY"
    done
    cat <<EOF
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
    unset lab
  done <"$nodes_file"
  [ ${#node_names[@]} -gt 0 ] || die "$nodes_file names no node"
}

fail_up() { # show why, then clean up unless asked to keep the wreck
  local c
  say "up failed: $*"
  # Component logs help only while the control plane itself is coming up.
  [ "${api_ready:-0}" = 1 ] || for c in "${components[@]}"; do
    [ -f "$cdir/logs/$c.log" ] || continue
    say "--- last lines of $cdir/logs/$c.log"
    tail -n 8 "$cdir/logs/$c.log" >&2 || true
  done
  if [ "${api_ready:-0}" != 1 ] && [ -f "$state/kwokctl.log" ]; then
    say "--- last lines of $state/kwokctl.log"
    tail -n 8 "$state/kwokctl.log" >&2
  fi
  if [ "${LAB_KEEP_ON_FAILURE:-0}" = 1 ]; then
    say "LAB_KEEP_ON_FAILURE=1: left as is; run: $0 down $state"
  else
    (do_down) || true
  fi
  exit 1
}

do_up() {
  nodes_file=${1:-}
  [ -n "$nodes_file" ] || usage
  [ -r "$nodes_file" ] || die "cannot read nodes file '$nodes_file'"
  local t0
  t0=$(date +%s.%N)
  mkdir -p -- "$state"
  nodes_manifest >"$state/nodes.yaml" # validates the nodes file before anything starts
  [ -z "$(lab_procs)" ] || die "a lab is already running from $state: run '$0 down $state' first"
  [ ! -e "$workdir" ] || { say "removing stale state in $workdir"; (do_down) >/dev/null 2>&1 || true; }
  mkdir -p -- "$workdir"
  write_kwokctl_config
  : >"$state/kwokctl.log"

  # Every --*-binary is a local file: kwokctl only symlinks it into its workdir. --kubeconfig "" keeps it
  # from editing ~/.kube/config. The kwok.yaml it writes carries its default stages (node-initialize,
  # node-heartbeat-with-lease, pod-ready, pod-complete, pod-delete), since no Stage CRD is enabled.
  # --disable-qps-limits: the client rate limits of kwok and the controllers only slow a lab down.
  # kwokctl picks each port by counting down from 32767 and binds it only when the component starts, so two
  # clusters created at once on this machine (two lab parts side by side) pick the same ports and one of them
  # fails to bind. One create at a time, machine-wide; the lock's fd is closed for kwokctl so that the
  # components it leaves running never hold it.
  local waited=0
  exec 9>"$port_lock"
  until flock -n 9; do
    [ "$waited" -lt "$timeout" ] || fail_up "another lab's cluster create held $port_lock for ${timeout}s"
    [ $((waited % 15)) -ne 0 ] || [ "$waited" -eq 0 ] || say "waiting for another lab's cluster create: ${waited} s"
    sleep 1
    waited=$((waited + 1))
  done
  say "starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller (kwokctl, binary runtime)"
  kwokctl_ -c "$state/kwokctl.yaml" create cluster --runtime binary --kubeconfig "" --wait "${timeout}s" \
    --timeout "${timeout}s" --disable-qps-limits \
    --etcd-binary "$bin/etcd" \
    --kube-apiserver-binary "$bin/kube-apiserver" \
    --kube-controller-manager-binary "$bin/kube-controller-manager" \
    --kube-scheduler-binary "$bin/kube-scheduler" \
    --kwok-controller-binary "$bin/kwok" \
    </dev/null >>"$state/kwokctl.log" 2>&1 9>&- || { exec 9>&-; fail_up "kwokctl create cluster failed"; }
  exec 9>&-

  # Record the PIDs from kwokctl's pid files.
  local c p rows=()
  for c in "${components[@]}"; do
    [ -f "$cdir/pids/$c.pid" ] || fail_up "kwokctl wrote no pid file for $c"
    p=$(tr -dc 0-9 <"$cdir/pids/$c.pid")
    alive "$p" || fail_up "$c (pid $p) is not running"
    rows+=("$c $p")
  done
  printf '%s\n' "${rows[@]}" >"$pidfile"

  # Nothing may have been fetched: kwokctl's download cache must be empty.
  if [ -n "$(find "$workdir/cache" -type f 2>/dev/null | head -n1)" ]; then
    fail_up "kwokctl downloaded something into $workdir/cache"
  fi
  local s
  for s in node-initialize pod-ready pod-complete pod-delete; do
    grep -qx "  name: $s" "$cdir/kwok.yaml" || fail_up "kwok config $cdir/kwok.yaml lacks the $s stage"
  done

  # Loopback only: every listening socket of every lab process must be on 127.0.0.1.
  local pidre bad
  pidre=$(cut -d' ' -f2 "$pidfile" | paste -sd'|')
  { ss -ltnpH | grep -E "pid=($pidre)," || true; } | awk '{print $4}' | sort -u >"$state/listen"
  [ -s "$state/listen" ] || fail_up "no listening socket found for the lab's processes"
  bad=$(grep -v '^127\.0\.0\.1:' "$state/listen" || true)
  [ -z "$bad" ] || fail_up "sockets not on loopback: $bad"

  write_admin_kubeconfig
  local deadline=$(($(date +%s) + timeout))
  until kc get --raw /readyz >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail_up "the API at $api_url is not ready after ${timeout}s"
    sleep 0.5
  done
  api_ready=1

  say "creating ${#node_names[@]} kwok node(s) from $nodes_file"
  kc apply -f "$state/nodes.yaml" >/dev/null || fail_up "creating the nodes failed"
  # The default ServiceAccount must exist before pods can be created (the admission plugin needs it).
  until kc get serviceaccount default -n default >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail_up "no default ServiceAccount after ${timeout}s"
    sleep 0.5
  done
  # One list per poll: `kubectl wait` on many nodes is slowed by kubectl's own client rate limit (5 qps).
  local n ready notready
  while :; do
    ready=$(kc get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null || true)
    notready=()
    for n in "${node_names[@]}"; do grep -qxF "$n=True" <<<"$ready" || notready+=("$n"); done
    [ ${#notready[@]} -gt 0 ] || break
    [ "$(date +%s)" -lt "$deadline" ] || fail_up "nodes not Ready after ${timeout}s: ${notready[*]}"
    sleep 0.25
  done
  local elapsed
  elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')

  local rss=0
  while read -r c p; do rss=$((rss + $(rss_kib "$p"))); done <"$pidfile"
  cat <<EOF
lab cluster up in ${elapsed}s
  API:        $api_url
  kubeconfig: $kubeconfig
  use:        export KUBECONFIG=$kubeconfig KUBECACHEDIR=$state/kube-cache
  processes:  $(awk '{printf "%s%s=%s", sep, $1, $2; sep=" "}' "$pidfile")
  memory:     $((rss / 1024)) MiB RSS in all
  listening:  $(paste -sd' ' "$state/listen")
  nodes:
EOF
  kc get nodes -o custom-columns='NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status' \
    --no-headers | while read -r n s; do printf '    %-24s Ready=%s\n' "$n" "$s"; done
  printf '  stop with:  %s down %s\n' "$0" "$state"
}

# --- status --------------------------------------------------------------------------------------------------
do_status() {
  [ -f "$pidfile" ] || { echo "lab in $state: down (no $pidfile)"; return 1; }
  local ok=0 c p rss total=0
  echo "lab in $state:"
  while read -r c p; do
    if alive "$p" && ours "$p"; then
      rss=$(rss_kib "$p")
      total=$((total + rss))
      printf '  %-24s pid %-8s running  %6d MiB RSS\n' "$c" "$p" $((rss / 1024))
    else
      printf '  %-24s pid %-8s NOT RUNNING\n' "$c" "$p"
      ok=1
    fi
  done <"$pidfile"
  printf '  %-24s %6d MiB RSS\n' "total" $((total / 1024))
  echo "  API: $(awk '$1 == "server:" {print $2; exit}' "$kubeconfig" 2>/dev/null)  kubeconfig: $kubeconfig"
  if kc get --raw /readyz >/dev/null 2>&1; then
    echo "  /readyz: ok"
    kc get nodes -L type 2>&1 | sed 's/^/  /'
  else
    echo "  /readyz: FAILED"
    ok=1
  fi
  return $ok
}

# --- main ----------------------------------------------------------------------------------------------------
cmd=${1:-}
[ $# -ge 2 ] || usage
set_paths "$2"
case $cmd in
  up)
    [ $# -eq 3 ] || usage
    find_bins
    do_up "$3"
    ;;
  down)
    [ $# -eq 2 ] || usage
    # Stopping needs no binary: without kwokctl the state is removed by hand.
    if (find_bins >/dev/null 2>&1); then find_bins; else
      bin=/nonexistent
      say "no Kubernetes binaries found: stopping by PID only"
    fi
    t0=$(date +%s.%N)
    do_down
    say "down took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')s"
    ;;
  status)
    [ $# -eq 2 ] || usage
    find_bins
    do_status
    ;;
  *) usage ;;
esac
