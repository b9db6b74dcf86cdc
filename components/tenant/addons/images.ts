// The images the tenant add-ons run, read from the same manifests the component applies: each image's upstream
// reference beside the one the tenant cluster pulls (the tenant's override, the site's mirror, or upstream).
import type { TenantClusterConfig } from "../args";
import { cinderCsiManifests, cloudControllerManifests, cloudProviderVersion, keystoneAuthManifests, manilaCsiManifests, snapshotControllerManifests, UPSTREAM_ADDON_REGISTRY, type AddonContext } from "./manifests";
import { manilaStorageClass } from "./render";

/** One add-on image: the upstream reference and the one the tenant cluster pulls. */
export interface AddonImage {
    source: string;
    pulled: string;
}

/** Every `image` a set of manifests names, in order. */
export function manifestImages(objects: unknown): string[] {
    const out: string[] = [];
    const walk = (node: unknown) => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === "object") {
            for (const [k, v] of Object.entries(node)) {
                if (k === "image" && typeof v === "string") out.push(v);
                else walk(v);
            }
        }
    };
    walk(objects);
    return out;
}

/** The images of the add-ons the tenant section switches on, pulled from `registry` (already resolved). */
export function addonImages(t: TenantClusterConfig, registry: string | undefined): AddonImage[] {
    const render = (reg: string) => {
        const ctx: AddonContext = { cluster: t.name, registry: reg, version: cloudProviderVersion(t.kubernetesVersion), ha: false };
        return manifestImages([
            t.addons.cloudController ? cloudControllerManifests(ctx) : [],
            t.addons.cinderCsi ? cinderCsiManifests(ctx) : [],
            manilaStorageClass(t) ? manilaCsiManifests(ctx) : [],
            t.storage.snapshotClasses.length > 0 ? snapshotControllerManifests(ctx) : [],
            keystoneAuthManifests(ctx, { keystoneUrl: "", sync: false }),
        ]);
    };
    const sources = render(UPSTREAM_ADDON_REGISTRY);
    const pulled = render(registry ?? UPSTREAM_ADDON_REGISTRY);
    return sources.map((source, i) => ({ source, pulled: pulled[i] }));
}
