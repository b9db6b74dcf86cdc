// Orchestration: what OSK knows of the heat chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CLIENT, commonJobs, RALLY, service } from "../images";

export const heat: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        test: RALLY,
        heat_api: service("heat"),
        heat_cfn: service("heat"),
        heat_engine: service("heat"),
        heat_engine_cleaner: service("heat"),
        heat_purge_deleted: service("heat"),
        heat_db_sync: service("heat"),
    },
    endpoints: [
        { type: "orchestration", host: "heat", service: "heat-api", port: 8004, portName: "api", path: "/v1" },
        { type: "cloudformation", host: "cloudformation", service: "heat-cfn", port: 8000, portName: "api", path: "/v1" },
    ],
    identityUsers: ["heat", "heat_trustee", "heat_stack_user", "test"],
    databases: { oslo_db: { heat: "heat-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api", "cfn", "engine"],
    disruptionBudgets: ["api", "cfn"],
    secrets: {},
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [
            { resources: "api", tier: "api", priority: "heat_api", object: { kind: "Deployment", name: "heat-api" }, autoscale: "api" },
            { resources: "cfn", tier: "api", priority: "heat_cfn", object: { kind: "Deployment", name: "heat-cfn" }, autoscale: "cfn" },
            { resources: "engine", tier: "worker", priority: "heat_engine" },
        ],
        jobs: ["bootstrap", "db_init", "db_sync", "db_drop", "ks_endpoints", "ks_service", "ks_user", "rabbit_init", "tests", "trusts", "engine_cleaner", "purge_deleted", "image_repo_sync"],
    },
    placement: { api: "openstack-control-plane", engine: "openstack-control-plane", job: "openstack-control-plane" },
};
