// What a cluster on OpenStack must give back before its instances, load balancer and network go: the cloud
// controller's Octavia load balancers (ports and floating IPs in the tenant network; left behind they wedge the
// network's deletion) and the CSI drivers' volume attachments. A resource whose delete does that, created after the
// add-ons and depending on them, so `pulumi destroy` runs it while the controllers are still there to act.
//
// Persistent data: a claim whose volume would be deleted with it (reclaim policy Delete) stops the drain, before
// anything is touched, unless deleting volumes was allowed in config. Volumes of Retain classes are released and
// kept in Cinder or Manila.
import * as pulumi from "@pulumi/pulumi";
import { OskResource } from "../provider/resource";
import type { ResourceHandler } from "../provider/types";
import { kubeRequest, waitForEach } from "./client";

interface Meta {
    metadata: { name: string; namespace?: string };
}
export interface ServiceObject extends Meta {
    spec?: { type?: string };
}
export interface ClaimObject extends Meta {
    spec?: { volumeName?: string };
}
export interface VolumeObject extends Meta {
    spec?: { persistentVolumeReclaimPolicy?: string; csi?: { driver?: string } };
}
interface OwnerRef {
    kind: string;
    name: string;
    controller?: boolean;
}
export interface PodObject extends Meta {
    metadata: Meta["metadata"] & { ownerReferences?: OwnerRef[] };
    spec?: { volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
}
export interface ReplicaSetObject extends Meta {
    metadata: Meta["metadata"] & { ownerReferences?: OwnerRef[] };
}

/** Workload kinds the drain deletes whole (their controllers would otherwise recreate the pods and claims). */
export const WORKLOAD_PATHS: Record<string, string> = {
    Deployment: "/apis/apps/v1/namespaces/{ns}/deployments/{name}",
    ReplicaSet: "/apis/apps/v1/namespaces/{ns}/replicasets/{name}",
    StatefulSet: "/apis/apps/v1/namespaces/{ns}/statefulsets/{name}",
    DaemonSet: "/apis/apps/v1/namespaces/{ns}/daemonsets/{name}",
    Job: "/apis/batch/v1/namespaces/{ns}/jobs/{name}",
};

export interface Ref {
    namespace: string;
    name: string;
}

export interface DrainPlan {
    /** Services of type LoadBalancer, deleted first. */
    loadBalancers: Ref[];
    /** Every claim, deleted after the pods using it. */
    claims: (Ref & { volume?: string; reclaimPolicy?: string })[];
    /** Workloads whose pods mount a claim: deleted whole, so nothing recreates the pods or the claims. */
    workloads: (Ref & { kind: string })[];
    /** Pods mounting a claim that no workload owns: deleted so the volume can detach. */
    pods: Ref[];
    /** Claims whose data would go with them; non-empty stops the drain unless volume deletion is allowed. */
    blocked: string[];
}

const ref = (o: Meta): Ref => ({ namespace: o.metadata.namespace ?? "default", name: o.metadata.name });

/** Decides what the drain deletes and whether it may; pure so the rules are tested without a cluster. */
export function planDrain(
    objs: { services: ServiceObject[]; claims: ClaimObject[]; volumes: VolumeObject[]; pods: PodObject[]; replicaSets?: ReplicaSetObject[] },
    allowVolumeDeletion: boolean,
): DrainPlan {
    const policy = new Map(objs.volumes.map((v) => [v.metadata.name, v.spec?.persistentVolumeReclaimPolicy]));
    const claims = objs.claims.map((c) => ({ ...ref(c), volume: c.spec?.volumeName, reclaimPolicy: c.spec?.volumeName ? policy.get(c.spec.volumeName) : undefined }));
    const claimKeys = new Set(claims.map((c) => `${c.namespace}/${c.name}`));
    const replicaSets = new Map((objs.replicaSets ?? []).map((r) => [`${r.metadata.namespace ?? "default"}/${r.metadata.name}`, r]));
    const controller = (o: { metadata: { ownerReferences?: OwnerRef[] } }) => o.metadata.ownerReferences?.find((r) => r.controller !== false && r.kind in WORKLOAD_PATHS);
    const workloads = new Map<string, Ref & { kind: string }>();
    const pods: Ref[] = [];
    for (const p of objs.pods) {
        const ns = p.metadata.namespace ?? "default";
        if (!(p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim && claimKeys.has(`${ns}/${v.persistentVolumeClaim.claimName}`))) continue;
        let owner = controller(p);
        // A ReplicaSet's own owner (its Deployment) would recreate it: go to the top.
        const rs = owner?.kind === "ReplicaSet" ? replicaSets.get(`${ns}/${owner.name}`) : undefined;
        if (rs) owner = controller(rs) ?? owner;
        if (owner) workloads.set(`${owner.kind}/${ns}/${owner.name}`, { kind: owner.kind, namespace: ns, name: owner.name });
        else pods.push(ref(p));
    }
    return {
        loadBalancers: objs.services.filter((s) => s.spec?.type === "LoadBalancer").map(ref),
        claims,
        workloads: [...workloads.values()],
        pods,
        blocked: allowVolumeDeletion ? [] : claims.filter((c) => c.reclaimPolicy === "Delete").map((c) => `${c.namespace}/${c.name}`),
    };
}

export interface ClusterDrainArgs {
    /** Admin kubeconfig of the cluster (kept secret). */
    kubeconfig: pulumi.Input<string>;
    /** Let the drain delete claims whose volumes go with them. @default false */
    allowVolumeDeletion?: pulumi.Input<boolean>;
    /** How long to wait for the controllers to give everything back. @default 900 */
    timeoutSeconds?: number;
}

export interface DrainInputs {
    kubeconfig: string;
    allowVolumeDeletion: boolean;
    timeoutSeconds: number;
}

/** What the resource's delete does; exported so the lab runs it against a real API server. */
export async function drainCluster(inputs: DrainInputs): Promise<void> {
    const kc = inputs.kubeconfig;
    const list = async <T>(path: string): Promise<T[]> => {
        const res = await kubeRequest(kc, "GET", path);
        if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
        return (JSON.parse(res.body) as { items: T[] }).items;
    };
    let objs;
    try {
        objs = {
            services: await list<ServiceObject>("/api/v1/services"),
            claims: await list<ClaimObject>("/api/v1/persistentvolumeclaims"),
            volumes: await list<VolumeObject>("/api/v1/persistentvolumes"),
            pods: await list<PodObject>("/api/v1/pods"),
            replicaSets: await list<ReplicaSetObject>("/apis/apps/v1/replicasets"),
        };
    } catch (e) {
        throw new Error(
            `cannot reach the cluster to give back its load balancers and volumes (${(e as Error).message}). ` +
                "If the cluster is already gone, remove this resource from the state with `pulumi state delete <urn>` and clean up in OpenStack.",
        );
    }
    const plan = planDrain(objs, inputs.allowVolumeDeletion);
    if (plan.blocked.length > 0) {
        throw new Error(
            `not destroying: these claims' volumes would be deleted with them (reclaim policy Delete): ${plan.blocked.join(", ")}. ` +
                "Back them up or move them to a Retain class, delete them yourself, or set osk:tenant.destroy.allowVolumeDeletion: true.",
        );
    }
    const del = async (path: string) => {
        const res = await kubeRequest(kc, "DELETE", path, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" });
        if (res.status >= 300 && res.status !== 404) throw new Error(`DELETE ${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    };
    const gone = async (path: string) => (await kubeRequest(kc, "GET", path)).status === 404;
    const waitGone = (paths: string[], what: string) =>
        waitForEach(paths, gone, inputs.timeoutSeconds, (left) => new Error(`${what} still present after ${inputs.timeoutSeconds} s: ${left.join(", ")}`));
    // Load balancers first: the cloud controller deletes each Octavia load balancer, then lets its Service go.
    const svc = plan.loadBalancers.map((s) => `/api/v1/namespaces/${s.namespace}/services/${s.name}`);
    for (const p of svc) await del(p);
    await waitGone(svc, "LoadBalancer Services");
    // Then what holds the volumes (workloads whole, so they recreate nothing, and lone pods), then the claims, so
    // the CSI drivers detach (and, where allowed, delete) them.
    const holders = [
        ...plan.workloads.map((w) => WORKLOAD_PATHS[w.kind].replace("{ns}", w.namespace).replace("{name}", w.name)),
        ...plan.pods.map((p) => `/api/v1/namespaces/${p.namespace}/pods/${p.name}`),
    ];
    for (const p of holders) await del(p);
    await waitGone(holders, "workloads holding volumes");
    const claims = plan.claims.map((c) => `/api/v1/namespaces/${c.namespace}/persistentvolumeclaims/${c.name}`);
    for (const p of claims) await del(p);
    await waitGone(claims, "PersistentVolumeClaims");
    const deleted = plan.claims.filter((c) => c.volume && c.reclaimPolicy === "Delete").map((c) => `/api/v1/persistentvolumes/${c.volume}`);
    await waitGone(deleted, "PersistentVolumes");
    const attachments = await list<{ metadata: { name: string }; spec?: { source?: { persistentVolumeName?: string } } }>("/apis/storage.k8s.io/v1/volumeattachments");
    const ours = new Set(plan.claims.map((c) => c.volume));
    await waitGone(attachments.filter((a) => ours.has(a.spec?.source?.persistentVolumeName)).map((a) => `/apis/storage.k8s.io/v1/volumeattachments/${a.metadata.name}`), "VolumeAttachments");
}

/** What the plugin does for `osk:k8s:ClusterDrain`: nothing until delete, which drains. */
export const ClusterDrainHandler: ResourceHandler<DrainInputs> = {
    token: "osk:k8s:ClusterDrain",
    diff(olds, news) {
        // Nothing to replace: the drain only acts on delete; a new kubeconfig or setting is simply recorded.
        const changes = olds.kubeconfig !== news.kubeconfig || olds.allowVolumeDeletion !== news.allowVolumeDeletion || olds.timeoutSeconds !== news.timeoutSeconds;
        return { changes };
    },
    async create(inputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const id = (require("crypto") as typeof import("crypto")).randomBytes(8).toString("hex");
        return { id, outs: inputs };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async delete(_id, props) {
        await drainCluster(props);
    },
};

/** Deletes LoadBalancer Services and volume claims when destroyed, waiting until the cloud side is given back. */
export class ClusterDrain extends OskResource {
    constructor(name: string, args: ClusterDrainArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "osk:k8s:ClusterDrain",
            name,
            { kubeconfig: pulumi.secret(args.kubeconfig), allowVolumeDeletion: args.allowVolumeDeletion ?? false, timeoutSeconds: args.timeoutSeconds ?? 900 },
            opts,
            ["kubeconfig"],
        );
    }
}
