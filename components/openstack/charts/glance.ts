// Image: what OSK knows of the glance chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import { STORAGE_CLASS, usesCeph } from "../../charts";
import type { ServiceChart } from "../catalog";
import { CEPH_HELPER, CLIENT, commonJobs, RALLY, service } from "../images";

export const glance: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        test: RALLY,
        glance_api: service("glance"),
        glance_db_sync: service("glance"),
        glance_metadefs_load: service("glance"),
        glance_storage_init: CEPH_HELPER,
    },
    endpoints: [{ type: "image", host: "glance", service: "glance-api", port: 9292, portName: "api" }],
    identityUsers: ["glance", "test"],
    databases: { oslo_db: { glance: "glance-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    secrets: { "endpoints.ceph_object_store.auth.glance.password": "glance-object-store" },
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [{ resources: "api", tier: "api", priority: "glance_api", object: { kind: "Deployment", name: "glance-api" }, autoscale: "api" }],
        jobs: ["storage_init", "metadefs_load", "db_sync", "db_init", "db_drop", "ks_user", "ks_service", "ks_endpoints", "rabbit_init", "bootstrap", "tests", "image_repo_sync"],
    },
    placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
    values: (ctx) => ({ storage: usesCeph(ctx.site) ? "rbd" : "pvc", volume: { class_name: STORAGE_CLASS } }),
};
