#!/usr/bin/env bash
# LAB FIXTURE: the data plane of one Octavia load balancer, standing in for an amphora VM. A network namespace with
# the load balancer's VIP on a veth into the lab hosts' bridge (the tenant network the instances boot on), running
# HAProxy with the configuration the lab's amphora driver renders from Octavia's own objects (listeners, pools,
# members, health monitors, allowed CIDRs). Driven by osk_lab_drivers.octavia_amphora inside octavia-worker.
#
#   amphora.sh apply  <dir> <hosts-statedir> <vip>   start, or reload with <dir>/haproxy.cfg (checked first)
#   amphora.sh remove <dir>                          stop HAProxy by PID, remove the namespace and its link
#
# <dir> is the load balancer's own (named by its id): haproxy.cfg, haproxy.pid, netns. Root is required.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

say() { printf '[lab-amphora] %s\n' "$*" >&2; }
die() { printf '[lab-amphora] error: %s\n' "$*" >&2; exit 1; }

cmd=${1:?apply|remove}
dir=$(realpath -m -- "${2:?dir}")
id=$(basename "$dir")
[[ $id =~ ^[0-9a-f]{8} ]] || die "$dir: expected a directory named by the load balancer's id"
netns=osk-lb-${id:0:8}
veth=oslb${id:0:8}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
haproxy_pid() { local p; p=$(cat "$dir/haproxy.pid" 2>/dev/null | head -n1) || return 1; alive "$p" && echo "$p"; }

case $cmd in
  apply)
    hosts=${3:?hosts-statedir} vip=${4:?vip}
    [ -f "$hosts/network" ] || die "$hosts is not a prepared lab-hosts state directory"
    # shellcheck source=/dev/null
    . "$hosts/network"
    ip link show "$BRIDGE" >/dev/null 2>&1 || die "bridge $BRIDGE is not up"
    check=$(haproxy -c -f "$dir/haproxy.cfg" 2>&1) || die "HAProxy refuses $dir/haproxy.cfg: $check"
    if ! ip netns list | grep -qx "$netns\( .*\)\?"; then
      ip link del "$veth" >/dev/null 2>&1 || true
      ip netns add "$netns"
      ip link add "$veth" type veth peer name eth0 netns "$netns"
      ip link set "$veth" master "$BRIDGE" up
      ip -n "$netns" link set lo up
      ip -n "$netns" addr add "$vip/24" dev eth0
      ip -n "$netns" link set eth0 up
      ip -n "$netns" route add default via "${BRIDGE_ADDR%/*}"
      echo "$netns" >"$dir/netns"
    fi
    if old=$(haproxy_pid); then
      # A reload: the new process takes the sockets over and the old one finishes its connections.
      ip netns exec "$netns" haproxy -D -p "$dir/haproxy.pid" -f "$dir/haproxy.cfg" -sf "$old"
      say "$id: reloaded on $vip (was pid $old, now $(haproxy_pid || echo '?'))"
    else
      ip netns exec "$netns" haproxy -D -p "$dir/haproxy.pid" -f "$dir/haproxy.cfg"
      say "$id: serving on $vip (pid $(haproxy_pid || echo '?'))"
    fi
    ;;
  remove)
    if p=$(haproxy_pid); then
      kill -TERM "$p"
      for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
      ! alive "$p" || kill -KILL "$p"
    fi
    ip netns del "$netns" >/dev/null 2>&1 || true
    ip link del "$veth" >/dev/null 2>&1 || true
    rm -rf -- "$dir"
    say "$id: removed"
    ;;
  *) die "unknown command $cmd" ;;
esac
