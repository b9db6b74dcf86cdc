// Dashboard: what OSK knows of the horizon chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CLIENT, DEP_CHECK, IMAGE_REPO_SYNC, service } from "../images";

export const horizon: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        dep_check: DEP_CHECK,
        image_repo_sync: IMAGE_REPO_SYNC,
        db_init: CLIENT,
        db_drop: CLIENT,
        horizon: service("horizon"),
        horizon_db_sync: service("horizon"),
        test: "quay.io/airshipit/osh-selenium:latest-ubuntu_noble",
    },
    endpoints: [{ type: "dashboard", host: "horizon", service: "horizon-int", port: 80, portName: "web" }],
    identityUsers: [],
    databases: { oslo_db: { horizon: "horizon-db" } },
    messaging: false,
    memcacheKey: false,
    replicas: ["server"],
    disruptionBudgets: ["horizon"],
    secrets: { "conf.horizon.local_settings.config.horizon_secret_key": "horizon-secret-key" },
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [{ resources: "server", tier: "api", priority: "horizon", object: { kind: "Deployment", name: "horizon" }, autoscale: "server" }],
        jobs: ["db_init", "db_sync", "db_drop", "image_repo_sync", "tests"],
    },
    placement: { dashboard: "openstack-control-plane", job: "openstack-control-plane" },
};
