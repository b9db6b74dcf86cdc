// Shared file systems: what OSK knows of the manila chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";

export const manila: ServiceChart = {
    endpoints: [{ type: "sharev2", host: "manila", service: "manila-api", port: 8786, portName: "api", path: "/v2" }],
    identityUsers: ["manila", "test"],
    databases: { oslo_db: { manila: "manila-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api", "scheduler"],
    disruptionBudgets: ["api"],
    secrets: { "conf.manila.generic.service_instance_password": "manila-service-instance" },
    placement: { api: "openstack-control-plane", share: "openstack-control-plane", job: "openstack-control-plane" },
};
