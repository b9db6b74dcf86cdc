// Load balancer: what OSK knows of the octavia chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CLIENT, commonJobs, RALLY, service } from "../images";

export const octavia: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        test: RALLY,
        octavia_api: service("octavia"),
        octavia_db_sync: service("octavia"),
        octavia_driver_agent: service("octavia"),
        octavia_worker: service("octavia"),
        octavia_worker_init: CLIENT,
        octavia_housekeeping: service("octavia"),
        octavia_health_manager: service("octavia"),
        octavia_health_manager_init: CLIENT,
        // The health manager's own Open vSwitch, on the older base upstream pins here.
        openvswitch_vswitchd: "quay.io/airshipit/openvswitch:latest-ubuntu_jammy",
    },
    endpoints: [{ type: "load_balancer", host: "octavia", service: "octavia-api", port: 9876, portName: "api" }],
    identityUsers: ["octavia", "test"],
    databases: { oslo_db: { octavia: "octavia-db" }, oslo_db_persistence: { octavia: "octavia-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    secrets: {
        "conf.octavia.health_manager.heartbeat_key": "octavia-heartbeat-key",
        "conf.octavia.certificates.ca_private_key_passphrase": "octavia-ca-passphrase",
    },
    // Upstream places the worker, health manager and driver agent on `openstack-network-node`, a label OSK
    // does not manage; the control-plane nodes carry Open vSwitch and serve as network nodes.
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [
            { resources: "api", tier: "api", priority: "octavia_api", object: { kind: "Deployment", name: "octavia-api" }, autoscale: "api" },
            { resources: "driver_agent", tier: "worker", priority: "octavia_driver_agent" },
            { resources: "worker", tier: "worker", priority: "octavia_worker" },
            { resources: "housekeeping", tier: "worker", priority: "octavia_housekeeping" },
            { resources: "health_manager", tier: "agent", priority: "octavia_health_manager" },
        ],
        jobs: ["bootstrap", "rabbit_init", "db_init", "db_sync", "db_drop", "ks_endpoints", "ks_service", "ks_user", "tests", "image_repo_sync"],
    },
    placement: {
        api: "openstack-control-plane",
        worker: "openstack-control-plane",
        health_manager: "openstack-control-plane",
        driver_agent: "openstack-control-plane",
        job: "openstack-control-plane",
    },
};
