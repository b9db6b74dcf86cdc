"""Octavia network driver `osk_lab_network_driver`: a lab fixture standing in for the allowed-address-pairs driver.

On a real site Octavia's allowed_address_pairs driver creates the load balancer's VIP port in Neutron and plugs it
into amphora VMs. The lab has no amphorae (the noop amphora and compute drivers run instead), and the stock
network_noop_driver answers with a made-up VIP port and a fixed address off every subnet, so no floating IP can
point at the VIP and the VIP is not where the tenant asked. This driver is the noop driver except for the VIP
port and the lookups: the VIP port is created in (and deleted from) Neutron for real, in the load balancer's
project, on the requested subnet and address, exactly as the real driver makes it; networks, subnets and ports
are looked up in Neutron, falling back to the noop answer for ids Neutron does not know (the noop amphorae's own
made-up ports). Plugging into amphorae stays noop.
"""
from neutronclient.common import exceptions as neutron_errors
from oslo_log import log as logging

from octavia.network import base
from octavia.network.drivers.neutron.allowed_address_pairs import AllowedAddressPairsDriver
from octavia.network.drivers.noop_driver.driver import NoopNetworkDriver

from osk_lab_drivers.octavia_amphora import remove_data_plane

LOG = logging.getLogger(__name__)
OCTAVIA_OWNER = "Octavia"


class LabNetworkDriver(NoopNetworkDriver):
    def __init__(self):
        super().__init__()
        self._real = None

    @property
    def neutron(self):
        # Made on first use: its constructor asks Neutron for its extensions, and Neutron may start after Octavia.
        if self._real is None:
            self._real = AllowedAddressPairsDriver()
        return self._real

    def allocate_vip(self, loadbalancer):
        return self.neutron.allocate_vip(loadbalancer)

    def deallocate_vip(self, vip):
        # The load balancer is going: its lab data plane (if the lab amphora driver serves it) goes with the VIP.
        remove_data_plane(getattr(vip, "load_balancer_id", None))
        try:
            port = self.neutron.get_port(vip.port_id)
        except base.PortNotFound:
            LOG.warning("VIP port %s is gone from Neutron already", vip.port_id)
            return
        if port.device_owner != OCTAVIA_OWNER:
            LOG.info("VIP port %s was not made by Octavia; left in place", vip.port_id)
            return
        try:
            self.neutron.neutron_client.delete_port(vip.port_id)
        except (neutron_errors.NotFound, neutron_errors.PortNotFoundClient):
            pass

    def _either(self, kind, real, noop, resource_id, context):
        try:
            return real(resource_id, context=context)
        except (base.NetworkNotFound, base.SubnetNotFound, base.PortNotFound):
            LOG.debug("%s %s is not in Neutron; noop answer", kind, resource_id)
            return noop(resource_id)

    def get_network(self, network_id, context=None):
        return self._either("network", self.neutron.get_network, self.driver.get_network, network_id, context)

    def get_subnet(self, subnet_id, context=None):
        return self._either("subnet", self.neutron.get_subnet, self.driver.get_subnet, subnet_id, context)

    def get_port(self, port_id, context=None):
        return self._either("port", self.neutron.get_port, self.driver.get_port, port_id, context)
