"""Octavia amphora driver `osk_lab_amphora_driver`: a lab fixture standing in for the amphora agent and its VM.

On a real site Octavia's amphora driver sends an HAProxy configuration, rendered from the load balancer's
listeners, pools, members and health monitors, to an agent in an amphora VM that holds the VIP. The lab boots no
amphorae (the noop compute driver runs instead). This driver is the noop driver plus a data plane for a load
balancer whose VIP is on the lab hosts' network ([osk_lab] hosts_dir): whenever Octavia pushes the configuration
to the amphora, it renders the same objects into an HAProxy configuration of its own and has
tools/lab/openstack/amphora.sh run it in a network namespace holding the VIP on the hosts' bridge. When the VIP is
given back (the load balancer deleted), the lab network driver removes that namespace. TCP listeners only: what the
tenant clusters' API load balancer uses; others are logged and left out.
"""
import ipaddress
import os
import tempfile

from oslo_concurrency import processutils
from oslo_log import log as logging

from octavia.amphorae.drivers.noop_driver.driver import NoopAmphoraLoadBalancerDriver

from osk_lab_drivers.lab_config import CONF, host_network

LOG = logging.getLogger(__name__)
GONE = ("PENDING_DELETE", "DELETED")
BALANCE = {"ROUND_ROBIN": "roundrobin", "LEAST_CONNECTIONS": "leastconn", "SOURCE_IP": "source"}


def _live(objects, without=None):
    return [o for o in objects or [] if getattr(o, "provisioning_status", None) not in GONE and o.id != without]


def render(loadbalancer, without_listener=None):
    """HAProxy's configuration for the load balancer's live TCP listeners; None when it has none."""
    vip = loadbalancer.vip.ip_address
    out = [
        f"# load balancer {loadbalancer.id}: rendered by the lab's amphora driver from Octavia's objects",
        "global",
        "    maxconn 4096",
        "defaults",
        "    mode tcp",
        "    timeout connect 5s",
        "    timeout client 50s",
        "    timeout server 50s",
    ]
    listeners = 0
    for listener in _live(loadbalancer.listeners, without_listener):
        if listener.protocol != "TCP" or not listener.enabled:
            LOG.warning("listener %s (%s) is left out: the lab's amphora serves enabled TCP listeners only",
                        listener.id, listener.protocol)
            continue
        listeners += 1
        name = listener.id[:8]
        out += [f"frontend listener-{name}", f"    bind {vip}:{listener.protocol_port}"]
        if listener.timeout_client_data:
            out.append(f"    timeout client {listener.timeout_client_data}ms")
        cidrs = [c.cidr for c in listener.allowed_cidrs or []]
        if cidrs:
            out.append(f"    acl allowed src {' '.join(cidrs)}")
            out.append("    tcp-request connection reject unless allowed")
        pool = listener.default_pool
        if pool is None or getattr(pool, "provisioning_status", None) in GONE:
            continue
        out += [f"    default_backend pool-{pool.id[:8]}", f"backend pool-{pool.id[:8]}",
                f"    balance {BALANCE.get(pool.lb_algorithm, 'roundrobin')}"]
        if listener.timeout_member_data:
            out.append(f"    timeout server {listener.timeout_member_data}ms")
        monitor = pool.health_monitor
        check = ""
        if monitor is not None and monitor.enabled and getattr(monitor, "provisioning_status", None) not in GONE:
            out.append(f"    timeout check {monitor.timeout}s")
            check = f" check inter {monitor.delay}s rise {monitor.rise_threshold} fall {monitor.fall_threshold}"
        for member in _live(pool.members):
            if member.enabled:
                out.append(f"    server member-{member.id[:8]} {member.ip_address}:{member.protocol_port}{check}")
    return "\n".join(out) + "\n" if listeners else None


class LabAmphoraDriver(NoopAmphoraLoadBalancerDriver):
    def _serves(self, loadbalancer):
        if not (CONF.osk_lab.hosts_dir and CONF.osk_lab.amphora_script and CONF.osk_lab.amphorae_dir):
            return False
        if loadbalancer is None or loadbalancer.vip is None or not loadbalancer.vip.ip_address:
            return False
        return ipaddress.ip_address(loadbalancer.vip.ip_address) in host_network(CONF.osk_lab.hosts_dir)

    def _apply(self, loadbalancer, without_listener=None):
        if not self._serves(loadbalancer):
            return
        lb_dir = os.path.join(CONF.osk_lab.amphorae_dir, loadbalancer.id)
        config = render(loadbalancer, without_listener)
        if config is None:
            remove_data_plane(loadbalancer.id)
            return
        os.makedirs(lb_dir, mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=lb_dir, delete=False) as f:
            f.write(config)
        os.replace(f.name, os.path.join(lb_dir, "haproxy.cfg"))
        LOG.info("lab amphora for %s: %d line(s) of HAProxy configuration on %s", loadbalancer.id,
                 config.count("\n"), loadbalancer.vip.ip_address)
        processutils.execute("bash", CONF.osk_lab.amphora_script, "apply", lb_dir, CONF.osk_lab.hosts_dir,
                             loadbalancer.vip.ip_address)

    def update_amphora_listeners(self, loadbalancer, amphora, timeout_dict=None):
        super().update_amphora_listeners(loadbalancer, amphora, timeout_dict)
        self._apply(loadbalancer)

    def update(self, loadbalancer):
        super().update(loadbalancer)
        self._apply(loadbalancer)

    def start(self, loadbalancer, amphora=None, timeout_dict=None):
        super().start(loadbalancer, amphora, timeout_dict)
        self._apply(loadbalancer)

    def reload(self, loadbalancer, amphora=None, timeout_dict=None):
        super().reload(loadbalancer, amphora, timeout_dict)
        self._apply(loadbalancer)

    def delete(self, listener):
        super().delete(listener)
        self._apply(listener.load_balancer, without_listener=listener.id)


def remove_data_plane(loadbalancer_id):
    """Stops the load balancer's HAProxy and removes its namespace, if the lab serves it."""
    if not (CONF.osk_lab.amphora_script and CONF.osk_lab.amphorae_dir and loadbalancer_id):
        return
    lb_dir = os.path.join(CONF.osk_lab.amphorae_dir, loadbalancer_id)
    if os.path.isdir(lb_dir):
        processutils.execute("bash", CONF.osk_lab.amphora_script, "remove", lb_dir)
