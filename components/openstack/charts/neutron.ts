// Networking (ML2 with Open vSwitch and VXLAN): what OSK knows of the neutron chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import { isProd, type ChartSite, type Values } from "../../charts";
import type { NeutronConfig } from "../args";
import { METADATA_SECRET } from "./nova";
import type { ServiceChart } from "../catalog";

export const neutron: ServiceChart = {
    endpoints: [{ type: "network", host: "neutron", service: "neutron-server", port: 9696, portName: "api" }],
    identityUsers: ["neutron", "nova", "placement", "designate", "ironic", "test"],
    databases: { oslo_db: { neutron: "neutron-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["server", "rpc_server"],
    disruptionBudgets: ["server"],
    secrets: {
        "conf.metadata_agent.DEFAULT.metadata_proxy_shared_secret": METADATA_SECRET,
        "conf.ovn_agent.DEFAULT.metadata_proxy_shared_secret": METADATA_SECRET,
        "conf.ovn_metadata_agent.DEFAULT.metadata_proxy_shared_secret": METADATA_SECRET,
    },
    placement: {
        ovs: "openvswitch",
        "agent.dhcp": "openstack-control-plane",
        "agent.l3": "openstack-control-plane",
        "agent.metadata": "openstack-control-plane",
        server: "openstack-control-plane",
        job: "openstack-control-plane",
    },
    values: (ctx) => neutronValues(ctx.site, ctx.settings.neutron),
};

/** ML2 with Open vSwitch and VXLAN tenant networks, from the site's Neutron settings. */
export function neutronValues(site: ChartSite, n: NeutronConfig): Values {
    return {
        network: { backend: ["openvswitch"], interface: { tunnel: n.tunnelInterface } },
        conf: {
            neutron: { DEFAULT: { l3_ha: isProd(site), ...(isProd(site) ? { max_l3_agents_per_router: Math.min(3, site.controlPlaneNodes) } : {}) } },
            plugins: {
                ml2_conf: {
                    ml2: { type_drivers: "flat,vxlan", tenant_network_types: "vxlan", mechanism_drivers: "openvswitch,l2population" },
                    ml2_type_vxlan: { vni_ranges: n.vniRanges },
                    ml2_type_flat: { flat_networks: n.physicalNetwork },
                },
                openvswitch_agent: {
                    agent: { tunnel_types: "vxlan", l2_population: true, arp_responder: true },
                    ovs: { bridge_mappings: `${n.physicalNetwork}:${n.externalBridge}` },
                },
            },
            // The OVS agent's init creates the bridge and plugs the external interface into it.
            auto_bridge_add: { [n.externalBridge]: n.externalInterface },
        },
    };
}
