#!/usr/bin/env bash
# Installs the lab's OpenStack (Debian 12's Zed packages) without letting any package start a daemon: the lab
# starts every service itself, on 127.0.0.1, tracked by PID (tools/lab/openstack/openstack.sh).
#   tools/lab/openstack/install.sh          install what is missing (root); a no-op when everything is there
#   tools/lab/openstack/install.sh --check  exit 0 when installed, 3 when not
# The nova-compute and cinder-volume packages are left out on purpose (they pull qemu, LVM and iSCSI): the lab runs
# their entry points from python3-nova / python3-cinder with Nova's fake driver and Cinder's fake volume driver.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

PACKAGES=(
  mariadb-server python3-pymysql rabbitmq-server
  keystone python3-openstackclient uwsgi-core uwsgi-plugin-python3
  python3-placement placement-api python3-osc-placement
  python3-glance glance-api
  python3-nova nova-common nova-api nova-conductor nova-scheduler
  python3-neutron neutron-common neutron-server
  python3-octavia octavia-api octavia-worker python3-octaviaclient
  python3-cinder cinder-api cinder-scheduler
  openssl curl
)

say() { printf '[openstack-install] %s\n' "$*" >&2; }
die() { printf '[openstack-install] error: %s\n' "$*" >&2; exit 1; }

missing() {
  local p
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || echo "$p"
  done
}

if [ "${1:-}" = --check ]; then [ -z "$(missing)" ] && exit 0 || exit 3; fi

todo=$(missing | paste -sd ' ' -)
if [ -z "$todo" ]; then say "already installed"; exit 0; fi
[ "$(id -u)" = 0 ] || die "installing $todo needs root (apt-get)"
t0=$(date +%s)

# No package may start its daemon (the postinsts of mariadb, rabbitmq, keystone, nova-api, ... would): a policy-rc.d
# that refuses every start, only if none is in place already (and removed again only if we made it).
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
  guard=1
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# The packages' debconf questions answered up front: no dbconfig databases, no endpoint registration, no admin
# bootstrap (the lab does all of that in its own state directory).
debconf-set-selections <<'SEL'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
placement-api placement/configure_db boolean false
placement-api placement/register-endpoint boolean false
glance-api glance/configure_db boolean false
glance-api glance/register-endpoint boolean false
glance-common glance/configure_db boolean false
nova-common nova/configure_db boolean false
nova-api nova/register-endpoint boolean false
neutron-common neutron/configure_db boolean false
neutron-server neutron/register-endpoint boolean false
octavia-common octavia/configure_db boolean false
octavia-api octavia/register-endpoint boolean false
cinder-common cinder/configure_db boolean false
cinder-api cinder/register-endpoint boolean false
SEL
say "installing $todo"
export DEBIAN_FRONTEND=noninteractive
log=${TMPDIR:-/tmp}/osk-openstack-apt.log
# Other installs may hold apt's locks (a shared machine): wait for them rather than fail.
apt_() { apt-get -o DPkg::Lock::Timeout=900 "$@" >>"$log" 2>&1; }
updated() { local i; for i in $(seq 1 90); do apt_ update -qq && return 0; sleep 10; done; return 1; }
: >"$log"
apt_ install -y -q --no-install-recommends $todo \
  || { updated && apt_ install -y -q --no-install-recommends $todo; } \
  || die "apt-get install failed; see $log"
[ -z "$(missing)" ] || die "still missing after apt-get: $(missing | paste -sd ' ' -)"

# Some postinsts start or enable services anyway (through systemd when it runs, or invoke-rc.d fallbacks): stop and
# disable every packaged service, so only the lab's own processes ever run.
for svc in mariadb rabbitmq-server keystone apache2 placement-api glance-api nova-api nova-conductor nova-scheduler \
  neutron-server neutron-rpc-server octavia-api octavia-worker octavia-health-manager octavia-housekeeping \
  cinder-api cinder-scheduler uwsgi epmd; do
  if [ -d /run/systemd/system ]; then
    systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
  else
    [ -x "/etc/init.d/$svc" ] && { "/etc/init.d/$svc" stop >/dev/null 2>&1 || true; }
    update-rc.d "$svc" disable >/dev/null 2>&1 || true
  fi
done
# rabbitmq-server's postinst runs Erlang, which leaves an epmd daemon behind on the default port (4369, all
# addresses); stop it when no Erlang node is registered with it (the lab runs its own epmd on loopback).
if command -v epmd >/dev/null 2>&1 && epmd -names 2>/dev/null | grep -q 'up and running' && ! epmd -names 2>/dev/null | grep -q '^name '; then
  epmd -kill >/dev/null 2>&1 || true
fi
say "installed in $(( $(date +%s) - t0 )) s: $(dpkg-query -W -f='${Package} ${Version}  ' nova-common neutron-common octavia-common cinder-common glance-common placement-common keystone mariadb-server rabbitmq-server)"
