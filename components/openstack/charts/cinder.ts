// Block storage: what OSK knows of the cinder chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";

export const cinder: ServiceChart = {
    endpoints: [{ type: "volumev3", host: "cinder", service: "cinder-api", port: 8776, portName: "api", path: "/v3" }],
    identityUsers: ["cinder", "glance", "nova", "swift", "service", "test"],
    databases: { oslo_db: { cinder: "cinder-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api", "scheduler"],
    disruptionBudgets: ["api"],
    secrets: {},
    placement: { api: "openstack-control-plane", volume: "openstack-control-plane", job: "openstack-control-plane" },
    values: () => ({
        storage: "ceph",
        conf: { cinder: { DEFAULT: { backup_driver: "cinder.backup.drivers.ceph.CephBackupDriver" } } },
    }),
};
