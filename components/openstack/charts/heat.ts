// Orchestration: what OSK knows of the heat chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";

export const heat: ServiceChart = {
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
    placement: { api: "openstack-control-plane", engine: "openstack-control-plane", job: "openstack-control-plane" },
};
