// The Kubernetes API as OSK's own resources use it (readiness gates, the destroy-time drain): the official client,
// `@kubernetes/client-node`, for the cluster in a kubeconfig's current context (client certificate or token). It is
// loaded on first use, in the provider plugin: loading it takes over a second, which no preview should pay.
import type { KubernetesObject } from "@kubernetes/client-node";

/** One object of the API: which kind, and where. */
export interface ObjectRef {
    apiVersion: string;
    kind: string;
    /** @default cluster-scoped */
    namespace?: string;
    name: string;
}

export interface KubeApi {
    /** The object, or undefined when it does not exist (404). */
    get<T>(ref: ObjectRef): Promise<T | undefined>;
    /** Every object of a kind, in all namespaces. */
    list<T>(apiVersion: string, kind: string): Promise<T[]>;
    /** The same for a kind the cluster may not serve (its CRD not installed): none when it does not. */
    listIfServed<T>(apiVersion: string, kind: string): Promise<T[]>;
    /** Deletes the object and, first, what it owns (foreground); already gone is fine. */
    delete(ref: ObjectRef): Promise<void>;
}

/** `kind namespace/name` of a reference, for messages. */
export const describeRef = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;

/** The API of the cluster a kubeconfig names. */
export function kubeApi(kubeconfig: string): KubeApi {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k8s = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = (r: ObjectRef): KubernetesObject & { metadata: { name: string } } => ({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } });
    const notFound = (e: unknown) => e instanceof k8s.ApiException && e.code === 404;
    return {
        async get<T>(ref: ObjectRef) {
            try {
                return (await objects.read(spec(ref))) as T;
            } catch (e) {
                if (notFound(e)) return undefined;
                throw e;
            }
        },
        async list<T>(apiVersion: string, kind: string) {
            return (await objects.list(apiVersion, kind)).items as T[];
        },
        async listIfServed<T>(apiVersion: string, kind: string) {
            try {
                return (await objects.list(apiVersion, kind)).items as T[];
            } catch (e) {
                // The group's discovery document is missing (404), or the group has no such kind.
                if (notFound(e) || /^Unrecognized API version and kind/.test((e as Error).message ?? "")) return [];
                throw e;
            }
        },
        async delete(ref: ObjectRef) {
            try {
                await objects.delete(spec(ref), undefined, undefined, undefined, undefined, "Foreground");
            } catch (e) {
                if (!notFound(e)) throw e;
            }
        },
    };
}

/** What an API error says, without its body (which can be long): the status code and message. */
export function apiError(e: unknown): string {
    const err = e as { code?: number; message?: string };
    return err.code ? `HTTP ${err.code}: ${(err.message ?? "").split("\n")[0].slice(0, 200)}` : (err.message ?? String(e));
}

/** Asks `done` about each item every 3 s until all are done; past the deadline throws `timedOut(what is left)`. */
export async function waitForEach<T>(items: T[], done: (item: T) => Promise<boolean>, timeoutSeconds: number, timedOut: (left: T[]) => Error): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let left = items;
    for (;;) {
        const still: T[] = [];
        for (const item of left) if (!(await done(item))) still.push(item);
        left = still;
        if (left.length === 0) return;
        if (Date.now() > deadline) throw timedOut(left);
        await new Promise((r) => setTimeout(r, 3000));
    }
}
