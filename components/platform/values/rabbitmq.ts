// The values OSK gives the rabbitmq chart: brokers sized by profile, Kubernetes peer discovery, autoheal.
import { merge, imageTags, mirroredImageValues, OSH_IMAGES, type ChartImage, clusterReplicas, imageRegistryAuth, STORAGE_CLASS, type Values, type ValuesContext, type ChartWorkloads, guaranteed, RABBITMQ_STATEFULSET } from "../../charts";
import type { PlatformSettings } from "../args";

/** Every key of the chart's `images.tags` at the pinned 2026.1.x line: the site's mirror replaces each one. */
export const RABBITMQ_IMAGES: ChartImage[] = imageTags({
    rabbitmq: "docker.io/rabbitmq:4.3.5",
    rabbitmq_init: OSH_IMAGES.client,
    rabbitmq_test: OSH_IMAGES.client,
    scripted_test: "docker.io/rabbitmq:4.3.5-management",
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

/** What the chart takes resources for; it reads no `pod.priorityClassName`: the brokers get theirs by a patch. */
export const RABBITMQ_WORKLOADS: ChartWorkloads = {
    workloads: [{ resources: "server", tier: "data", stateful: true, object: { kind: "StatefulSet", name: RABBITMQ_STATEFULSET }, size: { prod: guaranteed("2", "4Gi") } }],
    jobs: ["tests", "image_repo_sync"],
};

export function rabbitmqValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(mirroredImageValues(RABBITMQ_IMAGES, ctx.site.site.registry), {
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
            ...imageRegistryAuth("rabbitmq", ctx.secret, ctx.site.site.registry),
        },
    });
}
