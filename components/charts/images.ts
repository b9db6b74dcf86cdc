// The images a chart runs, as data beside the chart's entry: where each sits in the chart's values, and the
// pinned source reference. The values builders set every one to the site's mirror; the artifact list reads the
// same places back out of the rendered values, so it is what the releases get.
import { mirrorImage, type Registry } from "../core/registry";
import { setPath, type Values } from "./values";

/** One image a chart runs. */
export interface ChartImage {
    /** Dotted path in the chart's values. */
    path: string;
    /** Pinned source reference, e.g. `quay.io/airshipit/keystone:2026.1-ubuntu_noble`. */
    source: string;
    /** `ref`: the path holds the whole reference; `repository-tag`: `<path>.repository` and `<path>.tag`. @default "ref" */
    shape?: "ref" | "repository-tag";
}

/** openstack-helm charts list every image under `images.tags.<key>`: key -> pinned source reference. */
export function imageTags(tags: Record<string, string>): ChartImage[] {
    return Object.entries(tags).map(([key, source]) => ({ path: `images.tags.${key}`, source }));
}

/** The values that point each of a chart's images at the mirror (nothing without one: the chart keeps its own). */
export function mirroredImageValues(images: readonly ChartImage[], registry: Registry | undefined): Values {
    const out: Values = {};
    if (!registry) return out;
    for (const img of images) {
        const ref = mirrorImage(img.source, registry);
        if (img.shape === "repository-tag") {
            const cut = splitTag(ref);
            setPath(out, `${img.path}.repository`, cut.repository);
            setPath(out, `${img.path}.tag`, cut.tag);
        } else {
            setPath(out, img.path, ref);
        }
    }
    return out;
}

/** The reference a chart's values give one of its images; undefined when the values leave it at the chart's default. */
export function imageInValues(values: Values, img: ChartImage): string | undefined {
    if (img.shape === "repository-tag") {
        const node = getPath(values, img.path) as { repository?: unknown; tag?: unknown } | undefined;
        return typeof node?.repository === "string" && typeof node.tag === "string" ? `${node.repository}:${node.tag}` : undefined;
    }
    const v = getPath(values, img.path);
    return typeof v === "string" ? v : undefined;
}

export function getPath(values: Values, path: string): unknown {
    let node: unknown = values;
    for (const k of path.split(".")) {
        if (typeof node !== "object" || node === null) return undefined;
        node = (node as Record<string, unknown>)[k];
    }
    return node;
}

function splitTag(ref: string): { repository: string; tag: string } {
    const colon = ref.lastIndexOf(":");
    return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/** Images the openstack-helm charts share at the pinned 2026.1.x line, infrastructure and service charts alike. */
export const OSH_IMAGES = {
    /** The init container that waits for a pod's dependencies. */
    depCheck: "quay.io/airshipit/kubernetes-entrypoint:latest-ubuntu_noble",
    /** The OpenStack client the db-init, db-drop, ks-* and bootstrap Jobs run. */
    client: "quay.io/airshipit/openstack-client:2026.1-ubuntu_noble",
    /** The infrastructure charts' image-sync Job (off by default; still a key the charts render from). */
    infraImageRepoSync: "quay.io/airshipit/docker:27.5.0",
    /** The Ceph client the infrastructure charts run, pinned to a dated build. */
    cephConfigHelper: "quay.io/airshipit/ceph-config-helper:ubuntu_jammy_20.2.1-1-20260407",
} as const;
