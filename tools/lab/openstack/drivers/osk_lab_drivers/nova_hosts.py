"""Nova virt driver `osk_lab_drivers.nova_hosts.LabHostDriver`: a lab fixture standing in for a hypervisor.

Nova's fake driver (which this one extends) makes an instance ACTIVE with nothing behind it. This driver does the
same bookkeeping and, for an instance with a fixed IPv4 address on the lab's host network, also starts a lab host
(tools/lab/hosts/hosts.sh: network, mount, PID namespaces with sshd, containerd and the Kubernetes binaries of the
instance's image) named as the instance and at that address, before Nova reports the instance ACTIVE. Its root
login takes the instance's key pair, as cloud-init would install it. Deleting the instance removes the host and its
disk; stopping and starting it powers the host off and on. Instances on other networks stay fake.

Configured by [osk_lab] in nova-compute's configuration: hosts_dir (a prepared lab-hosts state directory; unset,
the driver is Nova's fake driver) and hosts_script (hosts.sh).
"""
import ipaddress
import os
import tempfile

from oslo_concurrency import processutils
from oslo_log import log as logging

from nova.virt import fake

from osk_lab_drivers.lab_config import CONF, host_network

LOG = logging.getLogger(__name__)


def instance_address(network_info, network):
    """The instance's first fixed IPv4 address inside `network`, or None."""
    for vif in network_info or []:
        for ip in vif.fixed_ips():
            if ip["version"] == 4 and ipaddress.ip_address(ip["address"]) in network:
                return ip["address"]
    return None


class LabHostDriver(fake.FakeDriver):
    def _hosts(self, *args):
        processutils.execute("bash", CONF.osk_lab.hosts_script, args[0], CONF.osk_lab.hosts_dir, *args[1:])

    def _enabled(self):
        return bool(CONF.osk_lab.hosts_dir and CONF.osk_lab.hosts_script)

    def _is_host(self, instance):
        """Whether a lab host stands behind the instance (it is named in the hosts file)."""
        if not (self._enabled() and instance.hostname):
            return False
        try:
            with open(os.path.join(CONF.osk_lab.hosts_dir, "hosts"), encoding="utf-8") as f:
                return any(line.split()[:1] == [instance.hostname] for line in f)
        except FileNotFoundError:
            return False

    def spawn(self, context, instance, image_meta, injected_files, admin_password, allocations, network_info=None,
              block_device_info=None, power_on=True, accel_info=None):
        super().spawn(context, instance, image_meta, injected_files, admin_password, allocations,
                      network_info=network_info, block_device_info=block_device_info, power_on=power_on,
                      accel_info=accel_info)
        if not self._enabled():
            return
        address = instance_address(network_info, host_network(CONF.osk_lab.hosts_dir))
        if address is None:
            LOG.info("instance %s has no address on the lab hosts' network: it stays fake", instance.uuid)
            return
        LOG.info("booting lab host %s at %s for instance %s", instance.hostname, address, instance.uuid)
        args = ["add", instance.hostname, address]
        key = None
        try:
            if instance.key_data:
                with tempfile.NamedTemporaryFile("w", delete=False, prefix="osk-lab-key-") as key:
                    key.write(instance.key_data.strip() + "\n")
                args.append(key.name)
            self._hosts(*args)
        except Exception:
            # Nothing half-made stays behind a failed build: Nova reschedules or marks the instance ERROR.
            super().destroy(context, instance, network_info)
            raise
        finally:
            if key is not None:
                os.unlink(key.name)

    def destroy(self, context, instance, network_info, block_device_info=None, destroy_disks=True,
                destroy_secrets=True):
        if self._is_host(instance):
            self._hosts("remove", instance.hostname)
        super().destroy(context, instance, network_info, block_device_info=block_device_info,
                        destroy_disks=destroy_disks, destroy_secrets=destroy_secrets)

    def power_off(self, instance, timeout=0, retry_interval=0):
        if self._is_host(instance):
            self._hosts("poweroff", instance.hostname)
        super().power_off(instance, timeout=timeout, retry_interval=retry_interval)

    def power_on(self, context, instance, network_info, block_device_info=None, accel_info=None):
        if self._is_host(instance):
            self._hosts("poweron", instance.hostname)
        super().power_on(context, instance, network_info, block_device_info=block_device_info, accel_info=accel_info)
