// The values OSK gives the mariadb chart: Galera sized by profile, a budget that keeps quorum, generated passwords.
import { adminIdentity, clusterReplicas, imageRegistryAuth, isProd, quorum, STORAGE_CLASS, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

export function mariadbValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    const n = clusterReplicas(ctx.site);
    return {
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
            ...imageRegistryAuth("mariadb", ctx.secret),
        },
    };
}
