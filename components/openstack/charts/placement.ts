// Placement: what OSK knows of the placement chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { commonJobs, service } from "../images";

export const placement: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs({ rabbit: false }),
        placement: service("placement"),
        placement_db_sync: service("placement"),
    },
    endpoints: [{ type: "placement", host: "placement", service: "placement-api", port: 8778, portName: "api" }],
    identityUsers: ["placement"],
    // `nova_api` is the MySQL user nova: one user, one password across charts.
    databases: { oslo_db: { placement: "placement-db", nova_api: "nova-db" } },
    messaging: false,
    memcacheKey: true,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    secrets: {},
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [{ resources: "api", tier: "api", priority: "placement", object: { kind: "Deployment", name: "placement-api" }, autoscale: "api" }],
        jobs: ["db_init", "db_sync", "db_drop", "ks_endpoints", "ks_service", "ks_user"],
    },
    placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
};
