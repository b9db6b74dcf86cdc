// The values OSK gives the memcached chart.
import { clusterReplicas, imageRegistryAuth, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

export function memcachedValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return {
        pod: { replicas: { server: clusterReplicas(ctx.site) } },
        endpoints: imageRegistryAuth("memcached", ctx.secret),
    };
}
