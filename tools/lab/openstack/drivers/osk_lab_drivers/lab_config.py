"""The [osk_lab] options the lab's drivers read, registered once for whichever service loads them."""
import ipaddress
import os

from oslo_config import cfg

CONF = cfg.CONF
CONF.register_opts(
    [
        cfg.StrOpt("hosts_dir", help="Prepared lab-hosts state directory: the tenant network instances boot on and VIPs are served on."),
        cfg.StrOpt("hosts_script", help="Path of tools/lab/hosts/hosts.sh (Nova)."),
        cfg.StrOpt("amphora_script", help="Path of tools/lab/openstack/amphora.sh (Octavia)."),
        cfg.StrOpt("amphorae_dir", help="Where each served load balancer keeps its HAProxy files (Octavia)."),
    ],
    group="osk_lab",
)


def host_network(hosts_dir):
    """The lab hosts' network (the bridge's /24), from the state directory's network file."""
    with open(os.path.join(hosts_dir, "network"), encoding="utf-8") as f:
        values = dict(line.strip().split("=", 1) for line in f if "=" in line)
    return ipaddress.ip_network(values["BRIDGE_ADDR"], strict=False)
