// Compute: what OSK knows of the nova chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import { usesCeph } from "../../charts";
import type { ServiceChart } from "../catalog";
import { CEPH_HELPER, CLIENT, commonJobs, RALLY, service } from "../images";

/** The metadata proxy secret must be one value in nova and neutron. */
export const METADATA_SECRET = "metadata-proxy-shared-secret";

export const nova: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        test: RALLY,
        nova_api: service("nova"),
        nova_archive_deleted_rows: service("nova"),
        nova_cell_setup: service("nova"),
        nova_cell_setup_init: CLIENT,
        nova_compute: service("nova"),
        nova_compute_ironic: service("nova"),
        nova_compute_ssh: service("nova"),
        nova_conductor: service("nova"),
        nova_db_sync: service("nova"),
        nova_novncproxy: service("nova"),
        nova_novncproxy_assets: service("nova"),
        nova_scheduler: service("nova"),
        nova_serialproxy: service("nova"),
        nova_spiceproxy: service("nova"),
        nova_spiceproxy_assets: service("nova"),
        nova_storage_init: CEPH_HELPER,
        nova_service_cleaner: CEPH_HELPER,
        nova_wait_for_computes_init: CEPH_HELPER,
    },
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
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [
            { resources: "api", tier: "api", priority: "nova_api_osapi", object: { kind: "Deployment", name: "nova-api-osapi" }, autoscale: "osapi" },
            { resources: "api_metadata", tier: "api", priority: "nova_api_metadata", object: { kind: "Deployment", name: "nova-api-metadata" }, autoscale: "api_metadata" },
            { resources: "novncproxy", tier: "api", priority: "nova_novncproxy" },
            { resources: "conductor", tier: "worker", priority: "nova_conductor" },
            { resources: "scheduler", tier: "worker", priority: "nova_scheduler" },
            { resources: "compute", tier: "agent", priority: "nova_compute" },
        ],
        jobs: ["bootstrap", "storage_init", "db_init", "rabbit_init", "db_sync", "archive_deleted_rows", "db_drop", "ks_endpoints", "ks_service", "ks_user", "tests", "cell_setup", "service_cleaner", "image_repo_sync"],
    },
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
