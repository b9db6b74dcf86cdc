"""nova-compute with the lab's host driver loadable as `osk_lab_hosts.LabHostDriver`.

Nova loads its compute driver only from inside the nova.virt package (compute_driver = nova.virt.<name>). The lab's
openstack.sh starts every nova-compute through this module: it imports Nova's command package first (eventlet's
monkey-patching, as nova-compute does), makes the lab driver importable under nova.virt, then runs nova-compute's
own main(). With compute_driver = fake.FakeDriver it is nova-compute unchanged.
"""
import sys

import nova.cmd  # noqa: F401  monkey-patching before anything else

import nova.virt

from osk_lab_drivers import nova_hosts

sys.modules["nova.virt.osk_lab_hosts"] = nova_hosts
nova.virt.osk_lab_hosts = nova_hosts

from nova.cmd.compute import main  # noqa: E402,F401  what the launcher calls
