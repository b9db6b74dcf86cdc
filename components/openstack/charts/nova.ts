// Compute: what OSK knows of the nova chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import { usesCeph } from "../../charts";
import type { ServiceChart } from "../catalog";

/** The metadata proxy secret must be one value in nova and neutron. */
export const METADATA_SECRET = "metadata-proxy-shared-secret";

export const nova: ServiceChart = {
    endpoints: [
        { type: "compute", host: "nova", service: "nova-api", port: 8774, portName: "api", path: "/v2.1" },
        { type: "compute_novnc_proxy", host: "novncproxy", service: "nova-novncproxy", port: 6080, portName: "novnc_proxy", path: "/vnc_auto.html" },
    ],
    identityUsers: ["nova", "service", "neutron", "ironic", "placement", "cinder", "test"],
    databases: {
        oslo_db: { nova: "nova-db" },
        oslo_db_cell0: { nova: "nova-db" },
        oslo_db_cell1: { nova: "nova-db" },
    },
    messaging: true,
    memcacheKey: true,
    replicas: ["osapi", "api_metadata", "conductor", "scheduler", "novncproxy"],
    disruptionBudgets: ["osapi", "metadata"],
    secrets: { "conf.nova.neutron.metadata_proxy_shared_secret": METADATA_SECRET },
    placement: {
        "agent.compute": "openstack-compute-node",
        osapi: "openstack-control-plane",
        conductor: "openstack-control-plane",
        scheduler: "openstack-control-plane",
        job: "openstack-control-plane",
    },
    values: (ctx) => ({
        network: { backend: ["openvswitch"] },
        // The API reports success only once compute nodes registered.
        bootstrap: { wait_for_computes: { enabled: true } },
        conf: { ceph: { enabled: usesCeph(ctx.site) } },
    }),
};
