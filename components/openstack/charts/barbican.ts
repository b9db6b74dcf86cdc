// Key manager: what OSK knows of the barbican chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CLIENT, commonJobs, service } from "../images";

export const barbican: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        scripted_test: CLIENT,
        barbican_api: service("barbican"),
        barbican_db_sync: service("barbican"),
    },
    endpoints: [{ type: "key_manager", host: "barbican", service: "barbican-api", port: 9311, portName: "api" }],
    identityUsers: ["barbican"],
    databases: { oslo_db: { barbican: "barbican-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    // Unset, barbican falls back to a well-known key-encryption key.
    secrets: { "conf.barbican.simple_crypto_plugin.kek": "barbican-kek" },
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [{ resources: "api", tier: "api", priority: "barbican_api", object: { kind: "Deployment", name: "barbican-api" }, autoscale: "api" }],
        jobs: ["bootstrap", "db_init", "db_sync", "db_drop", "rabbit_init", "ks_endpoints", "ks_service", "ks_user", "tests", "image_repo_sync"],
    },
    placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
};
