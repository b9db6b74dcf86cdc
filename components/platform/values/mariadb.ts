// The values OSK gives the mariadb chart: Galera sized by profile, a budget that keeps quorum, generated passwords.
import { merge, imageTags, mirroredImageValues, OSH_IMAGES, type ChartImage, adminIdentity, clusterReplicas, imageRegistryAuth, isProd, quorum, STORAGE_CLASS, type Values, type ValuesContext, type ChartWorkloads, guaranteed } from "../../charts";
import type { PlatformSettings } from "../args";

/** Every key of the chart's `images.tags` at the pinned 2026.1.x line: the site's mirror replaces each one. */
export const MARIADB_IMAGES: ChartImage[] = imageTags({
    mariadb: "quay.io/airshipit/mariadb:latest-ubuntu_noble",
    mariadb_controller: "quay.io/airshipit/mariadb:latest-ubuntu_noble",
    mariadb_db_controller: "quay.io/airshipit/mariadb:latest-ubuntu_noble",
    scripted_test: "quay.io/airshipit/mariadb:latest-ubuntu_noble",
    mariadb_backup: "quay.io/airshipit/porthole-mysqlclient-utility:latest-ubuntu_jammy",
    prometheus_create_mysql_user: "quay.io/airshipit/mariadb:11.4.8-noble",
    prometheus_mysql_exporter: "docker.io/prom/mysqld-exporter:v0.12.1",
    prometheus_mysql_exporter_helm_tests: OSH_IMAGES.client,
    ks_user: OSH_IMAGES.client,
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

/** What the chart takes resources for (its values.yaml `pod.resources`); it reads no `pod.priorityClassName`, so
 * the server and controller get their class by a patch (see Platform). */
export const MARIADB_WORKLOADS: ChartWorkloads = {
    workloads: [
        { resources: "server", tier: "data", stateful: true, object: { kind: "StatefulSet", name: "mariadb-server" }, size: { prod: guaranteed("4", "8Gi") } },
        { resources: "controller", tier: "worker", object: { kind: "Deployment", name: "mariadb-controller" } },
    ],
    jobs: ["tests", "prometheus_create_mysql_user", "image_repo_sync", "mariadb_backup", "ks_user"],
};

export function mariadbValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    const n = clusterReplicas(ctx.site);
    return merge(mirroredImageValues(MARIADB_IMAGES, ctx.site.site.registry), {
        pod: {
            replicas: { server: n },
            // Galera keeps working while a majority is up: never let a drain take more.
            lifecycle: { disruption_budget: { mariadb: { min_available: quorum(n) } } },
        },
        volume: { class_name: STORAGE_CLASS, size: isProd(ctx.site) ? "50Gi" : "5Gi", backup: { class_name: STORAGE_CLASS } },
        endpoints: {
            oslo_db: {
                auth: {
                    admin: { password: ctx.secret("mariadb-root") },
                    sst: { password: ctx.secret("mariadb-sst") },
                    audit: { password: ctx.secret("mariadb-audit") },
                    exporter: { password: ctx.secret("mariadb-exporter") },
                },
            },
            identity: { auth: { admin: adminIdentity(ctx.site, ctx.secret), mariadb: { password: ctx.secret("mariadb-keystone-backup") } } },
            ...imageRegistryAuth("mariadb", ctx.secret, ctx.site.site.registry),
        },
    });
}
