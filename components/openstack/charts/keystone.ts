// Identity: what OSK knows of the keystone chart (its values.yaml at the pinned 2026.1.x line) and the values it
// gives it beyond those every service chart gets (openstack/values.ts).
import type { ServiceChart } from "../catalog";
import { CLIENT, commonJobs, RALLY, service } from "../images";

export const keystone: ServiceChart = {
    // Every key of the chart's `images.tags`: the site's mirror replaces each one (tags stay as pinned).
    images: {
        ...commonJobs({ service: false, endpoints: false }),
        bootstrap: CLIENT,
        test: RALLY,
        keystone_api: service("keystone"),
        keystone_db_sync: service("keystone"),
        keystone_fernet_setup: service("keystone"),
        keystone_fernet_rotate: service("keystone"),
        keystone_credential_setup: service("keystone"),
        keystone_credential_rotate: service("keystone"),
        keystone_credential_cleanup: CLIENT,
        keystone_domain_manage: service("keystone"),
    },
    endpoints: [{ type: "identity", host: "keystone", service: "keystone-api", port: 5000, portName: "api", path: "/v3" }],
    identityUsers: ["test"],
    databases: { oslo_db: { keystone: "keystone-db" } },
    messaging: true,
    memcacheKey: false,
    replicas: ["api"],
    disruptionBudgets: ["api"],
    secrets: {},
    // `pod.resources` and `pod.priorityClassName` keys the chart's templates read (helm-toolkit's component names).
    workloads: {
        workloads: [{ resources: "api", tier: "api", priority: "keystone_api", object: { kind: "Deployment", name: "keystone-api" }, autoscale: "api" }],
        jobs: ["bootstrap", "domain_manage", "db_init", "db_sync", "db_drop", "rabbit_init", "tests", "fernet_setup", "fernet_rotate", "credential_setup", "credential_rotate", "credential_cleanup", "image_repo_sync"],
    },
    placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
};
