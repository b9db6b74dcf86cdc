// Block storage: what OSK knows of the cinder chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CEPH_HELPER, CLIENT, commonJobs, RALLY, service } from "../images";

export const cinder: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs(),
        bootstrap: CLIENT,
        test: RALLY,
        cinder_api: service("cinder"),
        cinder_db_sync: service("cinder"),
        cinder_scheduler: service("cinder"),
        cinder_volume: service("cinder"),
        cinder_volume_usage_audit: service("cinder"),
        cinder_db_purge: service("cinder"),
        cinder_backup: service("cinder"),
        cinder_storage_init: CEPH_HELPER,
        cinder_backup_storage_init: CEPH_HELPER,
    },
    endpoints: [{ type: "volumev3", host: "cinder", service: "cinder-api", port: 8776, portName: "api", path: "/v3" }],
    identityUsers: ["cinder", "glance", "nova", "swift", "service", "test"],
    databases: { oslo_db: { cinder: "cinder-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api", "scheduler"],
    disruptionBudgets: ["api"],
    secrets: {},
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [
            { resources: "api", tier: "api", priority: "cinder_api", object: { kind: "Deployment", name: "cinder-api" }, autoscale: "api" },
            { resources: "scheduler", tier: "worker", priority: "cinder_scheduler" },
            { resources: "volume", tier: "worker", priority: "cinder_volume" },
        ],
        jobs: ["volume_usage_audit", "bootstrap", "rabbit_init", "db_init", "db_sync", "db_drop", "db_purge", "clean", "backup_storage_init", "storage_init", "ks_endpoints", "ks_service", "ks_user", "tests", "image_repo_sync"],
    },
    placement: { api: "openstack-control-plane", volume: "openstack-control-plane", job: "openstack-control-plane" },
    values: () => ({
        storage: "ceph",
        conf: { cinder: { DEFAULT: { backup_driver: "cinder.backup.drivers.ceph.CephBackupDriver" } } },
    }),
};
