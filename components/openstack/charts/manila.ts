// Shared file systems: what OSK knows of the manila chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CLIENT, commonJobs, service } from "../images";

export const manila: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        manila_api: service("manila"),
        manila_data: service("manila"),
        manila_db_sync: service("manila"),
        manila_db_purge: service("manila"),
        manila_scheduler: service("manila"),
        manila_share: service("manila"),
    },
    endpoints: [{ type: "sharev2", host: "manila", service: "manila-api", port: 8786, portName: "api", path: "/v2" }],
    identityUsers: ["manila", "test"],
    databases: { oslo_db: { manila: "manila-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api", "scheduler"],
    disruptionBudgets: ["api"],
    secrets: { "conf.manila.generic.service_instance_password": "manila-service-instance" },
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [
            { resources: "api", tier: "api", priority: "manila_api", object: { kind: "Deployment", name: "manila-api" }, autoscale: "api" },
            { resources: "data", tier: "worker", priority: "manila_data" },
            { resources: "scheduler", tier: "worker", priority: "manila_scheduler" },
            { resources: "share", tier: "worker", priority: "manila_share" },
        ],
        jobs: ["bootstrap", "db_init", "db_sync", "db_purge", "db_drop", "rabbit_init", "ks_endpoints", "ks_service", "ks_user", "tests", "image_repo_sync"],
    },
    placement: { api: "openstack-control-plane", share: "openstack-control-plane", job: "openstack-control-plane" },
};
