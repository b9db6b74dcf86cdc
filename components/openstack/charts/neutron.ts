// Networking (ML2 with Open vSwitch and VXLAN): what OSK knows of the neutron chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import { isProd, type ChartSite, type Values } from "../../charts";
import type { NeutronConfig } from "../args";
import { METADATA_SECRET } from "./nova";
import type { ServiceChart } from "../catalog";
import { CLIENT, commonJobs, RALLY, service } from "../images";

export const neutron: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        test: RALLY,
        netoffload: "ghcr.io/vexxhost/netoffload:v1.0.1",
        neutron_db_sync: service("neutron"),
        neutron_server: service("neutron"),
        neutron_rpc_server: service("neutron"),
        neutron_dhcp: service("neutron"),
        neutron_metadata: service("neutron"),
        neutron_l3: service("neutron"),
        neutron_l2gw: service("neutron"),
        neutron_openvswitch_agent: service("neutron"),
        neutron_ovn_agent: service("neutron"),
        neutron_ovn_metadata: service("neutron"),
        neutron_ovn_db_sync: service("neutron"),
        neutron_ovn_vpn: service("neutron"),
        // The SR-IOV agent is pinned to an old image upstream; OSK does not enable it, the key is still mirrored.
        neutron_sriov_agent: "quay.io/airshipit/neutron:stein-18.04-sriov",
        neutron_sriov_agent_init: "quay.io/airshipit/neutron:stein-18.04-sriov",
        neutron_bagpipe_bgp: service("neutron"),
        neutron_bgp_dragent: service("neutron"),
        neutron_ironic_agent: service("neutron"),
        neutron_ironic_agent_init: service("neutron"),
        neutron_netns_cleanup_cron: service("neutron"),
    },
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
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [
            { resources: "server", tier: "api", priority: "neutron_server", object: { kind: "Deployment", name: "neutron-server" }, autoscale: "server" },
            // The RPC server reads the server's resources.
            { resources: "server", tier: "api", priority: "neutron_rpc_server" },
            { resources: "agent.ovs", tier: "agent", priority: "neutron_ovs_agent" },
            { resources: "agent.dhcp", tier: "agent", priority: "neutron_dhcp_agent" },
            { resources: "agent.l3", tier: "agent", priority: "neutron_l3_agent" },
            { resources: "agent.metadata", tier: "agent", priority: "neutron_metadata_agent" },
            { resources: "netns_cleanup_cron", tier: "agent", priority: "neutron_netns_cleanup_cron" },
        ],
        jobs: ["bootstrap", "db_init", "rabbit_init", "db_sync", "db_drop", "ks_endpoints", "ks_service", "ks_user", "tests", "image_repo_sync"],
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
