// What every chart's values builder shares: the site facts values depend on, replica rules, and the helpers that
// build openstack-helm's value trees. Builders are pure: components pass secret Outputs, tests and the committed
// snapshots pass readable placeholders; secrets are asked for by name, so the set of credentials a stack needs is
// whatever the builders ask for.
import type { Registry } from "../core/registry";
import type { Site } from "../core/site";
import type { StorageBackend } from "./catalog";
import type { WorkloadsConfig } from "./workloads";

export type Values = Record<string, unknown>;

/** The facts about a site that chart values depend on, whichever layer deploys the chart. */
export interface ChartSite {
    /** Name, profile (dev: single replicas, prod: HA), region and public domain. */
    readonly site: Site;
    /** How many nodes carry `openstack-control-plane`: prod scales APIs to it, up to 3. */
    readonly controlPlaneNodes: number;
    /** Storage behind StorageClass `general`; charts that can use Ceph directly switch on it. */
    readonly storageBackend: StorageBackend;
    /** Requests and limits overrides and autoscaling (`osk:workloads`). @default DEFAULT_WORKLOADS */
    readonly workloads?: WorkloadsConfig;
}

/** What a values builder is given: the site, the layer's own settings, and credentials by name. */
export interface ValuesContext<T, S = unknown> {
    site: ChartSite;
    /** The deploying layer's settings (the platform's storage and gateway, OpenStack's Neutron, ...). */
    settings: S;
    /** A generated credential by name (the same name is the same value everywhere). */
    secret: (name: string) => T;
}

/** The label value openstack-helm charts select nodes on. */
export const ENABLED = "enabled";

export const isProd = (s: ChartSite) => s.site.profile === "prod";
export const usesCeph = (s: ChartSite) => s.storageBackend === "ceph";

/** API and worker replicas: one in dev; in prod as many as control-plane nodes allow, up to 3. */
export function serviceReplicas(s: ChartSite): number {
    return isProd(s) ? Math.min(3, s.controlPlaneNodes) : 1;
}

/** Galera and RabbitMQ members: 1 in dev, 3 in prod (the quorum needs an odd number). */
export function clusterReplicas(s: ChartSite): number {
    return isProd(s) ? 3 : 1;
}

/** A disruption budget that keeps a quorum of `n` members up (0 when there is nothing to keep). */
export function quorum(n: number): number {
    return n > 1 ? Math.floor(n / 2) + 1 : 0;
}

/** Sets `value` at a dotted path, creating objects on the way. */
export function setPath(target: Values, path: string, value: unknown): void {
    const keys = path.split(".");
    let node = target as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) {
        node = (node[k] ??= {}) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
}

/** Deep merge of plain objects; arrays and scalars of `b` replace those of `a`. */
export function merge(a: Values, b: Values): Values {
    const out: Values = { ...a };
    for (const [k, v] of Object.entries(b)) {
        const cur = out[k];
        out[k] = isPlain(cur) && isPlain(v) ? merge(cur as Values, v as Values) : v;
    }
    return out;
}

function isPlain(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** helm-toolkit's node selector block for one role label. */
export function selectNodes(label: string): Values {
    return { node_selector_key: label, node_selector_value: ENABLED };
}

/** Node selectors per chart component: `labels.<component>` -> the role label it runs on. */
export function nodeSelectors(placement: Record<string, string>): Values {
    const out: Values = {};
    for (const [component, label] of Object.entries(placement)) setPath(out, `labels.${component}`, selectNodes(label));
    return out;
}

/** The image registry credential every openstack-helm chart reads for its own component name. With a mirror that
 * needs a login, the chart renders a pull secret for it and its pods pull with it. */
export function imageRegistryAuth<T>(component: string, secret: (name: string) => T, registry?: Registry): Values {
    if (!registry?.username) return { oci_image_registry: { auth: { [component]: { password: secret("image-registry") } } } };
    const [host, port] = registry.host.split(":");
    return {
        oci_image_registry: {
            auth: { enabled: true, [component]: { username: registry.username, password: secret("image-registry") } },
            host_fqdn_override: { default: host },
            ...(port ? { port: { registry: { default: Number(port) } } } : {}),
        },
    };
}

/** The admin identity block (`endpoints.identity.auth.admin`) a chart uses to register itself in Keystone. */
export function adminIdentity<T>(site: ChartSite, secret: (name: string) => T): Values {
    return {
        region_name: site.site.region,
        username: "admin",
        password: secret("keystone-admin"),
        project_name: "admin",
        user_domain_name: "default",
        project_domain_name: "default",
    };
}

/** A values builder for one chart, and the credentials it asks for when run with a recorder. */
export type ValuesBuilder<S> = <T>(ctx: ValuesContext<T, S>) => Values;

/** Every credential the given builders ask for, found by running them with a recorder. */
export function credentialNames<S>(builders: readonly ValuesBuilder<S>[], site: ChartSite, settings: S): string[] {
    const names = new Set<string>();
    for (const build of builders) build({ site, settings, secret: (n) => (names.add(n), n) });
    return [...names].sort();
}
