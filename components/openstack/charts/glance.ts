// Image: what OSK knows of the glance chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import { STORAGE_CLASS, usesCeph } from "../../charts";
import type { ServiceChart } from "../catalog";

export const glance: ServiceChart = {
    endpoints: [{ type: "image", host: "glance", service: "glance-api", port: 9292, portName: "api" }],
    identityUsers: ["glance", "test"],
    databases: { oslo_db: { glance: "glance-db" } },
    messaging: true,
    memcacheKey: true,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    secrets: { "endpoints.ceph_object_store.auth.glance.password": "glance-object-store" },
    placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
    values: (ctx) => ({ storage: usesCeph(ctx.site) ? "rbd" : "pvc", volume: { class_name: STORAGE_CLASS } }),
};
