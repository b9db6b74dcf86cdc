// The site's image mirror: one setting that every image OSK causes to run is rewritten to. Air-gapped sites
// copy each source image to the mirror first (`./osk artifacts STACK` lists them); only the registry part of
// a reference changes, the repository path and the pinned tag stay.
import { z } from "zod";

const REGISTRY_HOST = /^(?=.{1,253}(:|$))[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;
const PATH_PREFIX = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export const registrySchema = z.strictObject({
    /** Registry host with an optional port, e.g. `registry.fra1.example.net:5000`. */
    host: z.string().regex(REGISTRY_HOST, "must be a registry host with an optional port, e.g. registry.example.net:5000 (lower case, no scheme, no path)"),
    /** Path every mirrored repository sits under, e.g. `osk` gives `<host>/osk/airshipit/keystone`. @default none */
    path: z.string().regex(PATH_PREFIX, "must be a repository path such as mirror/osk (lower case, no leading or trailing '/')").optional(),
    /** User of the registry's pull secret; its password is the secret `osk:registryPassword`. @default none (anonymous pulls) */
    username: z.string().min(1, "must be a user name").optional(),
});
/** The site's image mirror. */
export type Registry = z.infer<typeof registrySchema>;

/** A container image reference split into registry, repository and tag (or digest). */
export interface ImageReference {
    registry: string;
    repository: string;
    /** `:tag` or `@sha256:...`, with its separator. */
    pin: string;
}

/** Splits a reference the way container runtimes read it: no registry is Docker Hub, one-part names are `library/`. */
export function parseImage(ref: string): ImageReference {
    const at = ref.indexOf("@");
    const beforeDigest = at >= 0 ? ref.slice(0, at) : ref;
    const colon = beforeDigest.lastIndexOf(":");
    const hasTag = colon > beforeDigest.lastIndexOf("/");
    const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
    const pin = (hasTag ? beforeDigest.slice(colon) : "") + (at >= 0 ? ref.slice(at) : "");
    if (!name || !pin) throw new Error(`image "${ref}" has no tag or digest: OSK runs pinned images only`);
    const first = name.split("/")[0];
    const explicitRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = explicitRegistry ? first : "docker.io";
    let repository = explicitRegistry ? name.slice(first.length + 1) : name;
    if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
    return { registry, repository, pin };
}

/** Where the mirror keeps repositories: `<host>[/<path>]`. */
export function mirrorPrefix(registry: Registry): string {
    return registry.path ? `${registry.host}/${registry.path}` : registry.host;
}

/** The reference an image has on the site's mirror, or the source reference when the site has none. */
export function mirrorImage(source: string, registry: Registry | undefined): string {
    if (!registry) return source;
    const img = parseImage(source);
    return `${mirrorPrefix(registry)}/${img.repository}${img.pin}`;
}

/** Whether a reference comes from the site's mirror. */
export function fromMirror(ref: string, registry: Registry): boolean {
    return ref.startsWith(`${mirrorPrefix(registry)}/`);
}

/** Name of the pull secret OSK puts in each namespace whose charts take a list of pull secrets (Rook, the tenant
 * add-ons); openstack-helm's charts render their own from `endpoints.oci_image_registry`. */
export const PULL_SECRET_NAME = "osk-registry-pull";

/** The `.dockerconfigjson` of a pull secret for the site's mirror: the login container runtimes read for its host. */
export function dockerConfigJson(registry: Registry, password: string): string {
    if (!registry.username) throw new Error("a pull secret needs site.registry.username");
    const auth = Buffer.from(`${registry.username}:${password}`).toString("base64");
    return JSON.stringify({ auths: { [registry.host]: { username: registry.username, password, auth } } });
}
