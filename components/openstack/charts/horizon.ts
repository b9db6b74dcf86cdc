// Dashboard: what OSK knows of the horizon chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";

export const horizon: ServiceChart = {
    endpoints: [{ type: "dashboard", host: "horizon", service: "horizon-int", port: 80, portName: "web" }],
    identityUsers: [],
    databases: { oslo_db: { horizon: "horizon-db" } },
    messaging: false,
    memcacheKey: false,
    replicas: ["server"],
    disruptionBudgets: ["horizon"],
    secrets: { "conf.horizon.local_settings.config.horizon_secret_key": "horizon-secret-key" },
    placement: { dashboard: "openstack-control-plane", job: "openstack-control-plane" },
};
