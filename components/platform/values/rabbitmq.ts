// The values OSK gives the rabbitmq chart: brokers sized by profile, Kubernetes peer discovery, autoheal.
import { clusterReplicas, imageRegistryAuth, STORAGE_CLASS, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

export function rabbitmqValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return {
        pod: { replicas: { server: clusterReplicas(ctx.site) } },
        volume: { class_name: STORAGE_CLASS },
        conf: {
            rabbitmq: {
                cluster_formation: { peer_discovery_backend: "rabbit_peer_discovery_k8s" },
                // After a partition heals, the minority restarts and rejoins instead of waiting for an operator.
                cluster_partition_handling: "autoheal",
            },
        },
        endpoints: {
            oslo_messaging: {
                auth: {
                    user: { username: "rabbitmq", password: ctx.secret("rabbitmq-admin") },
                    guest: { password: ctx.secret("rabbitmq-guest") },
                    erlang_cookie: ctx.secret("rabbitmq-erlang-cookie"),
                },
            },
            ...imageRegistryAuth("rabbitmq", ctx.secret),
        },
    };
}
