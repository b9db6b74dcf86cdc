#!/usr/bin/env bash
# Lab hosts: real Linux "machines" without VMs, for the HA control-plane lab. Each host is a set of network,
# mount, UTS, IPC and PID namespaces on the lab bridge osk-hosts0 (10.30.0.0/24, the bridge is 10.30.0.1), with
# its own disk (a directory bind-mounted over every path a node writes), sshd on its address (root, a key
# generated for the lab), containerd and the CNI plugins (Debian), keepalived and HAProxy (Debian), kubeadm,
# kubelet and kubectl built by tools/k8s-tools.sh, and the control-plane images built by images.sh, imported.
# Nothing is bound outside the bridge's addresses and loopback.
#
#   hosts.sh up <statedir> <hosts-file>   create the bridge and start every host; prints "<name> <address>" lines
#   hosts.sh prepare <statedir>           what `up` does before the first host: tools, images, key, the bridge
#   hosts.sh add <statedir> <name> <address> [<authorized-keys-file>]
#                                         one more host on a prepared statedir (its root login takes the given key
#                                         instead of the lab's); several may be added at once
#   hosts.sh remove <statedir> <name>     power the host off and remove it, disk and all
#   hosts.sh down <statedir>              power every host off (by PID), remove namespaces, links, cgroups, state
#   hosts.sh poweroff <statedir> <name>   power loss: SIGKILL the host's init (its PID namespace ends with it)
#   hosts.sh poweron <statedir> <name>    boot the host again from its kept disk
#   hosts.sh wipe <statedir> <name>       power off, replace the disk by a fresh one, power on
#   hosts.sh status <statedir>            per host: power, PID, RSS of its processes, disk use
#   hosts.sh pids <statedir>              every PID the lab started (the hosts' inits and all their processes)
#   hosts.sh exec <statedir> <name> CMD…  run a command inside a host (its namespaces)
#
# <hosts-file>: "<name> <address>" per line, addresses in 10.30.0.0/24 from 10.30.0.11 (10.30.0.10 is the VIP).
# <statedir>: key, key.pub (the lab's SSH key, 0600), hosts, network, env, and per host <name>/disk, <name>/pid,
# <name>/console.
# The network: OSK_HOSTS_BRIDGE (default osk-hosts0), OSK_HOSTS_GATEWAY (the bridge's address and the hosts'
# default route, a /24; default 10.30.0.1/24), OSK_HOSTS_VETH_PREFIX (default oskh), read at `up` or `prepare` and
# kept in <statedir>/network for every later command, so two labs on two bridges never touch each other's links.
# The hosts' kubelets set vm.overcommit_memory, kernel.panic and kernel.panic_on_oops on the machine (those are not
# per namespace); `down` puts the values from before `up` back. Root is required. Env: OSK_K8S_BIN (default from tools/k8s-tools.sh --env), OSK_LAB_IMAGES (default images.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
CGROUP_PREFIX=osk-lab-

say() { printf '[lab-hosts] %s\n' "$*" >&2; }
die() { printf '[lab-hosts] error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "lab hosts need root (namespaces, a bridge, cgroups)"
cmd=${1:-}; [ -n "$cmd" ] || usage; shift
state=$(realpath -m -- "${1:?statedir}"); shift

if [ -f "$state/network" ]; then
  # shellcheck source=/dev/null
  . "$state/network"
else
  BRIDGE=${OSK_HOSTS_BRIDGE:-osk-hosts0} BRIDGE_ADDR=${OSK_HOSTS_GATEWAY:-10.30.0.1/24} VETH_PREFIX=${OSK_HOSTS_VETH_PREFIX:-oskh}
fi
[[ $BRIDGE_ADDR =~ ^(([0-9]{1,3}\.){3})[0-9]{1,3}/24$ ]] || die "gateway '$BRIDGE_ADDR': expected an IPv4 address with /24, e.g. 10.30.0.1/24"
NET_PREFIX=${BASH_REMATCH[1]}
[[ $BRIDGE =~ ^[a-z][a-z0-9-]{0,14}$ ]] || die "bridge '$BRIDGE': expected an interface name of at most 15 characters"
[[ $VETH_PREFIX =~ ^[a-z]{1,12}$ ]] || die "veth prefix '$VETH_PREFIX': expected 1 to 12 lower-case letters"
net_save() { printf 'BRIDGE=%s\nBRIDGE_ADDR=%s\nVETH_PREFIX=%s\n' "$BRIDGE" "$BRIDGE_ADDR" "$VETH_PREFIX" >"$state/network"; }

netns_of() { echo "osk-$1"; }
veth_of() { echo "$VETH_PREFIX${2##*.}"; } # name address -> root-side veth name, e.g. oskh11
addr_of() { awk -v n="$1" '$1 == n {print $2}' "$state/hosts"; }
names() { awk 'NF >= 2 && $1 !~ /^#/ {print $1}' "$state/hosts"; }

alive() { local s; s=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1; [ -n "$s" ] && [ "$s" != Z ]; }
init_pid() { # name -> the PID (in the machine's namespace) of the host's init, if it runs
  local p; p=$(cat "$state/$1/pid" 2>/dev/null) || return 1
  # Guard against a reused PID: the process must sit in this host's cgroup.
  alive "$p" && grep -q ":/$CGROUP_PREFIX$1\$" "/proc/$p/cgroup" 2>/dev/null && echo "$p"
}
host_procs() { # name -> every PID in the host's cgroup (the init and all it started), from the pids hierarchy
  local f=/sys/fs/cgroup/pids/$CGROUP_PREFIX$1/cgroup.procs
  [ -f "$f" ] || return 0
  find "/sys/fs/cgroup/pids/$CGROUP_PREFIX$1" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# What `prepare` found (the binaries and the images), for the commands that run later, e.g. from a hypervisor.
saved_env() { if [ -z "${OSK_K8S_BIN:-}" ] && [ -f "$state/env" ]; then . "$state/env"; fi; }

bins() {
  saved_env
  if [ -z "${OSK_K8S_BIN:-}" ]; then
    local envout
    envout=$(bash "$repo/tools/k8s-tools.sh" --env kubeadm kubelet kubernetes etcd) || die "the Kubernetes binaries are missing: run tools/k8s-tools.sh kubernetes etcd kubelet"
    eval "$envout"
  fi
  local b
  for b in kubeadm kubelet kubectl; do [ -x "$OSK_K8S_BIN/$b" ] || die "$OSK_K8S_BIN/$b is missing: run tools/k8s-tools.sh kubelet kubernetes"; done
}

images() { # the image tars' directory (built once, cached by version)
  if [ -z "${OSK_LAB_IMAGES:-}" ]; then OSK_LAB_IMAGES=$(bash "$here/images.sh"); fi
  ls "$OSK_LAB_IMAGES"/*.tar >/dev/null 2>&1 || die "no image tars in $OSK_LAB_IMAGES"
}

cgroups_create() { # name
  local h c
  for h in /sys/fs/cgroup/*/; do
    [ -f "$h/cgroup.procs" ] || continue
    c=$h$CGROUP_PREFIX$1
    mkdir -p "$c"
    # cpuset children start with no CPUs or memory nodes: give them the parent's.
    if [ -f "$h/cpuset.cpus" ]; then cat "$h/cpuset.cpus" >"$c/cpuset.cpus"; cat "$h/cpuset.mems" >"$c/cpuset.mems"; fi
  done
}
cgroups_join() { # name pid
  local h
  for h in /sys/fs/cgroup/*/; do [ -d "$h$CGROUP_PREFIX$1" ] && echo "$2" >"$h$CGROUP_PREFIX$1/cgroup.procs"; done
}
cgroups_remove() { # name: depth first (kubelet creates kubepods/... below)
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$CGROUP_PREFIX$1" ] || continue
    find "$h$CGROUP_PREFIX$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

bridge_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
}

prepare() { # everything but the hosts: tools, images, packages, the key, mount points, the bridge
  bins; images
  bash "$repo/tools/ensure-packages.sh" openssh-server containerd runc containernetworking-plugins keepalived haproxy iptables conntrack socat ethtool ebtables curl
  mkdir -p "$state"; chmod 0700 "$state"
  [ -f "$state/key" ] || ssh-keygen -q -t ed25519 -N '' -f "$state/key" -C osk-lab-hosts
  # Mount points the hosts' disks are bound on (empty directories on the machine).
  while read -r p; do [ -n "$p" ] && mkdir -p "$p"; done <"$here/private-dirs"
  for f in /etc/hosts /etc/hostname /etc/resolv.conf /etc/fstab; do [ -e "$f" ] || touch "$f"; done
  [ -f "$state/network" ] || net_save
  printf 'OSK_K8S_BIN=%q\nOSK_LAB_IMAGES=%q\n' "$OSK_K8S_BIN" "$OSK_LAB_IMAGES" >"$state/env"
  [ -f "$state/hosts" ] || : >"$state/hosts"
  bridge_up
  sysctls_save
}

with_lock() { # cmd...: one change of the hosts file at a time (hosts are added and removed concurrently)
  local rc=0
  exec 8>>"$state/lock"
  flock 8
  "$@" || rc=$?
  exec 8>&-
  return $rc
}
hosts_add_line() { # name address
  local have
  have=$(addr_of "$1")
  [ -z "$have" ] || [ "$have" = "$2" ] || die "host $1 already has address $have"
  [ -n "$have" ] || echo "$1 $2" >>"$state/hosts"
  local other
  other=$(awk -v a="$2" -v n="$1" '$2 == a && $1 != n {print $1}' "$state/hosts")
  [ -z "$other" ] || die "address $2 is already host $other's"
}
hosts_drop_line() { awk -v n="$1" '$1 != n' "$state/hosts" >"$state/hosts.tmp" && mv -f "$state/hosts.tmp" "$state/hosts"; }

# A fresh disk: the host's private directories, its identity, sshd with the lab key, containerd for a host with
# no systemd (cgroupfs), the kubelet's lab flags, and the Kubernetes binaries at the lab's version.
disk_create() { # name address
  local name=$1 addr=$2 d=$state/$1/disk/root p
  mkdir -p "$d"
  while read -r p; do [ -n "$p" ] && mkdir -p "$d$p"; done <"$here/private-dirs"
  cp -a /etc/default/. "$d/etc/default/"
  echo "$name" >"$d/etc/hostname"
  { echo "127.0.0.1 localhost"; echo "$addr $name"; awk 'NF >= 2 && $1 !~ /^#/ && $1 != n {print $2, $1}' n="$name" "$state/hosts"; } >"$d/etc/hosts"
  echo "nameserver 127.0.0.1" >"$d/etc/resolv.conf"
  echo "# lab host $name: no swap, no file systems of its own" >"$d/etc/fstab"
  ssh-keygen -q -t ed25519 -N '' -f "$d/etc/ssh/ssh_host_ed25519_key" -C "$name"
  cat >"$d/etc/ssh/sshd_config" <<EOF
# lab host $name: root with the lab's key only, on the host's address only.
ListenAddress $addr
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile /run/sshd.pid
AuthorizedKeysFile /root/.ssh/authorized_keys
MaxSessions 50
MaxStartups 50
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  install -d -m 0700 "$d/root/.ssh"
  # A host added with its own key (an instance's key pair) takes that one; the others the lab's.
  if [ -f "$state/$name/authorized_keys" ]; then
    install -m 0600 "$state/$name/authorized_keys" "$d/root/.ssh/authorized_keys"
  else
    install -m 0600 "$state/key.pub" "$d/root/.ssh/authorized_keys"
  fi
  cat >"$d/etc/containerd/config.toml" <<'EOF'
# lab host: containerd 1.6 (Debian) as the host's machine image configures it. No systemd here, so cgroupfs;
# restrict_oom_score_adj because CAP_SYS_RESOURCE is not in the machine's bounding set (every sandbox fails
# without it); CNI plugins from Debian's containernetworking-plugins.
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
EOF
  # The kubelet's own cgroup tree inside the host's cgroup, so the hosts' kubelets do not manage each other's pods.
  # No image garbage collection: the host's disk is the machine's file system, filled by other work too (past the
  # kubelet's 85 % it deleted every unused image of a reset host), and the lab has no registry to pull them back.
  echo "KUBELET_EXTRA_ARGS=\"--cgroup-root=/$CGROUP_PREFIX$name --image-gc-high-threshold=100 --image-gc-low-threshold=99\"" >"$d/etc/default/kubelet"
  for p in kubeadm kubelet kubectl; do install -m 0755 "$OSK_K8S_BIN/$p" "$d/usr/local/bin/$p"; done
  touch "$d/etc/systemd/system/.osk-fresh"
  mkdir -p "$d/etc/systemd/system/osk-enabled"
  touch "$d/etc/systemd/system/osk-enabled/containerd" "$d/etc/systemd/system/osk-enabled/ssh"
}

host_exec() { # name cmd...: inside the host's namespaces (all of them: it is PID 1's)
  local p; p=$(init_pid "$1") || die "host $1 is powered off"
  shift
  nsenter -t "$p" -m -u -i -n -p -- "$@"
}

power_on() { # name
  local name=$1 addr netns veth p i
  addr=$(addr_of "$name"); [ -n "$addr" ] || die "no host named $name in $state/hosts"
  if init_pid "$name" >/dev/null; then return 0; fi
  [[ $addr == "$NET_PREFIX"* ]] || die "$name: address $addr is outside the lab bridge's network ${NET_PREFIX}0/24"
  netns=$(netns_of "$name") veth=$(veth_of "$name" "$addr")
  [ -d "$state/$name/disk" ] || disk_create "$name" "$addr"
  # A stale link or namespace from a power loss is removed first (the kernel refuses to re-create them).
  ip link del "$veth" >/dev/null 2>&1 || true
  ip netns del "$netns" >/dev/null 2>&1 || true
  ip netns add "$netns"
  # A fixed MAC per address, as a machine's NIC keeps across reboots (neighbours' ARP entries stay right).
  ip link add "$veth" type veth peer name eth0 address "$(printf '02:30:00:00:00:%02x' "${addr##*.}")" netns "$netns"
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$netns" link set lo up
  ip -n "$netns" addr add "$addr/24" dev eth0
  ip -n "$netns" link set eth0 up
  ip -n "$netns" route add default via "${BRIDGE_ADDR%/*}"
  cgroups_create "$name"
  : >"$state/$name/console"
  # The subshell joins the host's cgroups, then becomes nsenter -> unshare; unshare forks the host's init.
  (
    cgroups_join "$name" "$BASHPID"
    exec setsid nsenter --net="/run/netns/$netns" unshare --mount --uts --ipc --pid --fork --mount-proc --propagation private --kill-child=SIGKILL \
      bash "$here/init.sh" "$state/$name/disk" "$name" "$here"
  ) </dev/null >>"$state/$name/console" 2>&1 &
  local outer=$!
  for i in $(seq 100); do
    p=$(pgrep -P "$outer" -x bash 2>/dev/null | head -n1 || true)
    [ -n "$p" ] && break
    sleep 0.05
  done
  [ -n "$p" ] || die "host $name: its init did not start; see $state/$name/console"
  echo "$p" >"$state/$name/pid"
  # Up when its sshd answers; the images are imported once per disk.
  for i in $(seq 200); do
    if timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22" 2>/dev/null; then break; fi
    alive "$p" || die "host $name died at boot: $(tail -n 5 "$state/$name/console")"
    sleep 0.1
  done
  if [ -f "$state/$name/disk/root/etc/systemd/system/.osk-fresh" ]; then
    # Ready when containerd answers, not when its socket appears (it listens a moment before it serves).
    local t0=$SECONDS
    until host_exec "$name" ctr --timeout 2s version >/dev/null 2>&1; do
      [ $((SECONDS - t0)) -lt 60 ] || die "host $name: containerd did not answer within 60 s; see $state/$name/console"
      sleep 0.2
    done
    # On stdin: the image directory is not visible inside the host (its /root is its own).
    for t in "$OSK_LAB_IMAGES"/*.tar; do host_exec "$name" ctr -n k8s.io images import - <"$t" >/dev/null; done
    rm -f "$state/$name/disk/root/etc/systemd/system/.osk-fresh"
  fi
}

power_off() { # name: power loss. SIGKILL to the init ends the PID namespace; then its links, netns and cgroups go.
  local name=$1 addr p i
  addr=$(addr_of "$name")
  if p=$(init_pid "$name"); then
    kill -KILL "$p"
    for i in $(seq 100); do alive "$p" || break; sleep 0.05; done
  fi
  rm -f "$state/$name/pid"
  # Processes of the host that were not in its PID namespace (none are expected), by PID from its cgroup.
  for p in $(host_procs "$name"); do kill -KILL "$p" 2>/dev/null || true; done
  for i in $(seq 100); do [ -z "$(host_procs "$name")" ] && break; sleep 0.05; done
  ip netns del "$(netns_of "$name")" >/dev/null 2>&1 || true
  [ -z "$addr" ] || ip link del "$(veth_of "$name" "$addr")" >/dev/null 2>&1 || true
  cgroups_remove "$name"
}

# Kernel settings every kubelet sets on its machine (not per namespace): kept at `up`, put back at `down`.
KUBELET_SYSCTLS="vm.overcommit_memory kernel.panic kernel.panic_on_oops"
sysctls_save() { [ -f "$state/sysctl.saved" ] || for k in $KUBELET_SYSCTLS; do echo "$k=$(sysctl -n "$k")"; done >"$state/sysctl.saved"; }
sysctls_restore() { [ ! -f "$state/sysctl.saved" ] || sysctl -q -p "$state/sysctl.saved"; }

case $cmd in
  up)
    hostsfile=${1:?hosts-file}
    prepare
    cp "$hostsfile" "$state/hosts"
    t0=$SECONDS
    for n in $(names); do power_on "$n"; say "$n $(addr_of "$n") up (pid $(cat "$state/$n/pid"))"; done
    say "$(names | wc -l) hosts up in $((SECONDS - t0)) s"
    awk 'NF >= 2 && $1 !~ /^#/ {print $1, $2}' "$state/hosts"
    ;;
  down)
    [ -f "$state/hosts" ] || { say "no lab hosts in $state"; exit 0; }
    for n in $(names); do power_off "$n"; done
    ip link del "$BRIDGE" >/dev/null 2>&1 || true
    sysctls_restore
    left=$(for n in $(names); do host_procs "$n"; done)
    [ -z "$left" ] || die "left running: $left"
    rm -rf -- "$state"
    say "lab hosts removed"
    ;;
  prepare) prepare; say "prepared $state: bridge $BRIDGE ($BRIDGE_ADDR)" ;;
  add)
    n=${1:?name} a=${2:?address} keyfile=${3:-}
    [[ $n =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]] || die "host name '$n': expected a DNS label"
    [[ $a == "$NET_PREFIX"* ]] || die "$n: address $a is outside the bridge's network ${NET_PREFIX}0/24"
    [ -f "$state/network" ] || die "$state is not prepared: run '$0 prepare $state' first"
    bins; images
    with_lock hosts_add_line "$n" "$a"
    mkdir -p "$state/$n"
    if [ -n "$keyfile" ]; then install -m 0600 "$keyfile" "$state/$n/authorized_keys"; fi
    power_on "$n"; say "$n $a added (pid $(cat "$state/$n/pid"))"
    ;;
  remove)
    n=${1:?name}
    [ -n "$(addr_of "$n")" ] || { say "no host $n in $state"; exit 0; }
    power_off "$n"
    rm -rf -- "${state:?}/$n"
    with_lock hosts_drop_line "$n"
    say "$n removed"
    ;;
  poweroff) power_off "${1:?name}"; say "$1 powered off" ;;
  poweron) bins; images; power_on "${1:?name}"; say "$1 powered on (pid $(cat "$state/$1/pid"))" ;;
  wipe)
    bins; images
    power_off "${1:?name}"
    rm -rf -- "$state/$1/disk"
    power_on "$1"; say "$1 wiped and powered on"
    ;;
  status)
    for n in $(names); do
      if p=$(init_pid "$n"); then
        rss=0; for q in $(host_procs "$n"); do rss=$((rss + $(awk '/^VmRSS:/ {print $2}' "/proc/$q/status" 2>/dev/null || echo 0))); done
        echo "$n $(addr_of "$n") on pid=$p procs=$(host_procs "$n" | wc -l) rss_mib=$((rss / 1024)) disk_mb=$(du -sm "$state/$n/disk" | cut -f1)"
      else
        echo "$n $(addr_of "$n") off"
      fi
    done
    ;;
  pids) for n in $(names); do host_procs "$n"; done ;;
  exec) n=${1:?name}; shift; host_exec "$n" "$@" ;;
  *) usage ;;
esac
