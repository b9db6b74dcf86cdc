// Identity: what OSK knows of the keystone chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";

export const keystone: ServiceChart = {
    endpoints: [{ type: "identity", host: "keystone", service: "keystone-api", port: 5000, portName: "api", path: "/v3" }],
    identityUsers: ["test"],
    databases: { oslo_db: { keystone: "keystone-db" } },
    messaging: true,
    memcacheKey: false,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    secrets: {},
    placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
};
