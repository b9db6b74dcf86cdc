"""Lab-only OpenStack drivers: test fixtures of OSK's lab (tools/lab/openstack), never part of a real site.

They stand in for what a real cloud has and the lab does not (Open vSwitch agents, amphora VMs); each module says
what it replaces. They are found by Neutron and Octavia through the entry points of the dist-info next to this
package, which the lab puts on PYTHONPATH for its own processes only.
"""
