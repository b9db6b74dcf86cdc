// The values OSK gives the memcached chart.
import { merge, imageTags, mirroredImageValues, OSH_IMAGES, type ChartImage, clusterReplicas, imageRegistryAuth, type Values, type ValuesContext, type ChartWorkloads } from "../../charts";
import type { PlatformSettings } from "../args";

/** Every key of the chart's `images.tags` at the pinned 2026.1.x line: the site's mirror replaces each one. */
export const MEMCACHED_IMAGES: ChartImage[] = imageTags({
    memcached: "quay.io/airshipit/memcached:1.6.32",
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

/** What the chart takes resources for; it reads no `pod.priorityClassName`: its pods get theirs by a patch. */
export const MEMCACHED_WORKLOADS: ChartWorkloads = {
    workloads: [{ resources: "memcached", tier: "data", object: { kind: "StatefulSet", name: "memcached-memcached" } }],
    jobs: ["image_repo_sync"],
};

export function memcachedValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(mirroredImageValues(MEMCACHED_IMAGES, ctx.site.site.registry), {
        pod: { replicas: { server: clusterReplicas(ctx.site) } },
        endpoints: imageRegistryAuth("memcached", ctx.secret, ctx.site.site.registry),
    });
}
