"""ML2 mechanism driver `osk_lab`: a lab fixture standing in for the Open vSwitch agent's port binding.

On a real site the openvswitch mechanism driver binds a port once the OVS agent on the port's host reports in. The
lab has no agents and no Open vSwitch, so without this driver every port Nova asks to bind fails binding and Nova
fails the server. This driver binds every port, on whatever host Nova names, to the first segment offered, with
vif_type ovs, and marks it ACTIVE as an agent would after wiring it. No packet ever flows.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class LabMechanismDriver(api.MechanismDriver):
    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True, portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE,
            )
            return
