#!/usr/bin/env bash
# LAB FIXTURE: PID 1 of one lab host (tools/lab/hosts/hosts.sh starts it inside the host's own network, mount, UTS,
# IPC and PID namespaces). It stands in for a machine's boot: a fresh /sys for the host's network namespace, tmpfs
# on /run and /tmp, the host's private disk bind-mounted over every path a Kubernetes node writes, then the
# enabled units through the lab's systemctl stand-in. Everything it starts lives in the host's PID namespace, so
# killing this process (by PID, from hosts.sh) is the host losing power: the kernel ends every process in it.
#   init.sh <disk-dir> <host-name> <lab-hosts-dir>
set -euo pipefail
disk=$1 name=$2 here=$3

hostname "$name"
mount --make-rprivate /

# A fresh sysfs shows this host's network devices; the cgroup hierarchies are carried over onto it.
mkdir -p "$disk/.cgroup-keep"
mount --rbind /sys/fs/cgroup "$disk/.cgroup-keep"
mount -t sysfs sysfs /sys
mount --move "$disk/.cgroup-keep" /sys/fs/cgroup

# The host's disk is held at /run/osk-disk first: the lab's state directory may live under /tmp or /root,
# which get the host's own copies below.
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock /run/sshd /run/osk-disk
mount --bind "$disk/root" /run/osk-disk
disk=/run/osk-disk
# So is this fixture's own directory (units, systemctl stand-in): a checkout under /tmp or /root would be hidden too.
mkdir -p /run/osk-lab-hosts
mount --bind "$here" /run/osk-lab-hosts
here=/run/osk-lab-hosts

# Every directory a node writes, and the host's identity files, come from its own disk. The mount points exist
# on the machine (hosts.sh creates the missing ones, empty); what is written under them stays on this disk.
while read -r path; do
  [ -n "$path" ] || continue
  mkdir -p "$disk$path"
  mount --bind "$disk$path" "$path"
done <"$here/private-dirs"
for f in /etc/hosts /etc/hostname /etc/resolv.conf /etc/fstab; do
  mount --bind "$disk$f" "$f"
done
mount --bind "$here/systemctl" /usr/bin/systemctl
# Where the systemctl stand-in finds the units, as this host sees them.
echo "OSK_LAB_UNITS=$here/units" >/etc/default/osk-lab
mount -t tmpfs -o mode=1777 tmpfs /tmp
# As systemd makes a machine's mounts at boot: shared, so pods may take Bidirectional and HostToContainer mounts
# (the CSI node plugins' /var/lib/kubelet and /dev). New peer groups inside this namespace: nothing of it reaches
# the machine, whose mounts it stopped sharing with above.
mount --make-rshared /

stopping=0
shutdown() {
  # A clean power-off (hosts.sh down sends SIGTERM first): units stop, then this init exits.
  stopping=1
  for u in kubelet keepalived haproxy containerd ssh; do systemctl stop "$u" >/dev/null 2>&1 || true; done
  exit 0
}
trap shutdown TERM INT

systemctl osk-boot containerd ssh
echo "host $name up (pid namespace init $$)"
# PID 1 of the namespace: bash reaps every orphan reparented to it while it waits.
while [ $stopping = 0 ]; do
  sleep 5 &
  wait $! || true
done
