// What a cluster on OpenStack must give back before its instances, load balancer and network go: the cloud
// controller's Octavia load balancers (ports and floating IPs in the tenant network; left behind they wedge the
// network's deletion), the CSI drivers' snapshots, volumes and volume attachments. A resource whose delete does
// that, created after the add-ons and depending on them, so `pulumi destroy` runs it while the controllers are
// still there to act.
//
// Persistent data: a claim whose volume would be deleted with it (reclaim policy Delete), or a VolumeSnapshot whose
// Cinder snapshot would (deletion policy Delete), stops the drain before anything is touched, unless deleting
// volumes was allowed in config. Volumes of Retain classes are released and kept in Cinder or Manila; so are
// snapshots of Retain classes, and then their volume must be kept too: Cinder deletes no volume that has snapshots.
import * as pulumi from "@pulumi/pulumi";
import { OskResource } from "../provider/resource";
import type { ResourceHandler } from "../provider/types";
import { apiError, describeRef, kubeApi, waitForEach, type ObjectRef } from "./client";

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
export interface SnapshotObject extends Meta {
    spec?: { source?: { persistentVolumeClaimName?: string } };
    status?: { boundVolumeSnapshotContentName?: string };
}
export interface SnapshotContentObject extends Meta {
    spec?: { deletionPolicy?: string };
}

/** The snapshot API (external-snapshotter's CRDs); a cluster without it has no snapshots to give back. */
export const SNAPSHOT_API = "snapshot.storage.k8s.io/v1";

/** Workload kinds the drain deletes whole (their controllers would otherwise recreate the pods and claims): API versions. */
export const WORKLOAD_API_VERSIONS: Record<string, string> = {
    Deployment: "apps/v1",
    ReplicaSet: "apps/v1",
    StatefulSet: "apps/v1",
    DaemonSet: "apps/v1",
    Job: "batch/v1",
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
    /** Every VolumeSnapshot, deleted before the claims (Cinder deletes no volume with snapshots), with its content. */
    snapshots: (Ref & { content?: string; deletionPolicy?: string })[];
    /** What would lose data, `Kind namespace/name: why`; non-empty stops the drain before anything is touched. */
    blocked: string[];
}

const ref = (o: Meta): Ref => ({ namespace: o.metadata.namespace ?? "default", name: o.metadata.name });

/** Decides what the drain deletes and whether it may; pure so the rules are tested without a cluster. */
export function planDrain(
    objs: {
        services: ServiceObject[];
        claims: ClaimObject[];
        volumes: VolumeObject[];
        pods: PodObject[];
        replicaSets?: ReplicaSetObject[];
        snapshots?: SnapshotObject[];
        snapshotContents?: SnapshotContentObject[];
    },
    allowVolumeDeletion: boolean,
): DrainPlan {
    const policy = new Map(objs.volumes.map((v) => [v.metadata.name, v.spec?.persistentVolumeReclaimPolicy]));
    const claims = objs.claims.map((c) => ({ ...ref(c), volume: c.spec?.volumeName, reclaimPolicy: c.spec?.volumeName ? policy.get(c.spec.volumeName) : undefined }));
    const claimKeys = new Set(claims.map((c) => `${c.namespace}/${c.name}`));
    const replicaSets = new Map((objs.replicaSets ?? []).map((r) => [`${r.metadata.namespace ?? "default"}/${r.metadata.name}`, r]));
    const controller = (o: { metadata: { ownerReferences?: OwnerRef[] } }) => o.metadata.ownerReferences?.find((r) => r.controller !== false && r.kind in WORKLOAD_API_VERSIONS);
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
    const contentPolicy = new Map((objs.snapshotContents ?? []).map((c) => [c.metadata.name, c.spec?.deletionPolicy]));
    const snapshots = (objs.snapshots ?? []).map((s) => {
        const content = s.status?.boundVolumeSnapshotContentName;
        return { ...ref(s), source: s.spec?.source?.persistentVolumeClaimName, content, deletionPolicy: content ? contentPolicy.get(content) : undefined };
    });
    const reclaim = new Map(claims.map((c) => [`${c.namespace}/${c.name}`, c.reclaimPolicy]));
    const blocked = [
        ...(allowVolumeDeletion ? [] : claims.filter((c) => c.reclaimPolicy === "Delete").map((c) => `PersistentVolumeClaim ${c.namespace}/${c.name}: its volume is deleted with it (reclaim policy Delete)`)),
        ...(allowVolumeDeletion ? [] : snapshots.filter((s) => s.deletionPolicy === "Delete").map((s) => `VolumeSnapshot ${s.namespace}/${s.name}: its snapshot is deleted with it (deletion policy Delete)`)),
        // Whatever is allowed: the kept snapshot would make the volume's deletion fail, and the drain wait forever.
        ...snapshots
            .filter((s) => s.deletionPolicy === "Retain" && s.source && reclaim.get(`${s.namespace}/${s.source}`) === "Delete")
            .map((s) => `VolumeSnapshot ${s.namespace}/${s.name}: its snapshot is kept (deletion policy Retain), so Cinder cannot delete the volume of claim ${s.source} (reclaim policy Delete)`),
    ];
    return {
        loadBalancers: objs.services.filter((s) => s.spec?.type === "LoadBalancer").map(ref),
        claims,
        workloads: [...workloads.values()],
        pods,
        snapshots: snapshots.map(({ source: _source, ...s }) => s),
        blocked,
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
    const api = kubeApi(inputs.kubeconfig);
    let objs;
    try {
        objs = {
            services: await api.list<ServiceObject>("v1", "Service"),
            claims: await api.list<ClaimObject>("v1", "PersistentVolumeClaim"),
            volumes: await api.list<VolumeObject>("v1", "PersistentVolume"),
            pods: await api.list<PodObject>("v1", "Pod"),
            replicaSets: await api.list<ReplicaSetObject>("apps/v1", "ReplicaSet"),
            snapshots: await api.listIfServed<SnapshotObject>(SNAPSHOT_API, "VolumeSnapshot"),
            snapshotContents: await api.listIfServed<SnapshotContentObject>(SNAPSHOT_API, "VolumeSnapshotContent"),
        };
    } catch (e) {
        throw new Error(
            `cannot reach the cluster to give back its load balancers and volumes (${apiError(e)}). ` +
                "If the cluster is already gone, remove this resource from the state with `pulumi state delete <urn>` and clean up in OpenStack.",
        );
    }
    const plan = planDrain(objs, inputs.allowVolumeDeletion);
    if (plan.blocked.length > 0) {
        throw new Error(
            `not destroying, data would be lost: ${plan.blocked.join("; ")}. ` +
                "Back them up or move them to a Retain class, delete them yourself, or set osk:tenant.destroy.allowVolumeDeletion: true.",
        );
    }
    const del = async (r: ObjectRef) => {
        try {
            await api.delete(r);
        } catch (e) {
            throw new Error(`deleting ${describeRef(r)}: ${apiError(e)}`);
        }
    };
    const gone = async (r: ObjectRef) => (await api.get(r)) === undefined;
    const waitGone = (refs: ObjectRef[], what: string) =>
        waitForEach(refs, gone, inputs.timeoutSeconds, (left) => new Error(`${what} still present after ${inputs.timeoutSeconds} s: ${left.map(describeRef).join(", ")}`));
    const inNs = (apiVersion: string, kind: string) => (o: Ref): ObjectRef => ({ apiVersion, kind, namespace: o.namespace, name: o.name });
    // Load balancers first: the cloud controller deletes each Octavia load balancer, then lets its Service go.
    const svc = plan.loadBalancers.map(inNs("v1", "Service"));
    for (const r of svc) await del(r);
    await waitGone(svc, "LoadBalancer Services");
    // Then what holds the volumes (workloads whole, so they recreate nothing, and lone pods), then the claims, so
    // the CSI drivers detach (and, where allowed, delete) them.
    const holders = [...plan.workloads.map((w) => inNs(WORKLOAD_API_VERSIONS[w.kind], w.kind)(w)), ...plan.pods.map(inNs("v1", "Pod"))];
    for (const r of holders) await del(r);
    await waitGone(holders, "workloads holding volumes");
    // Snapshots before their volumes: the snapshot controller and the driver's sidecar delete (or keep) each one in
    // Cinder, and its VolumeSnapshotContent goes when that is done.
    const snapshots = plan.snapshots.map(inNs(SNAPSHOT_API, "VolumeSnapshot"));
    for (const r of snapshots) await del(r);
    await waitGone(snapshots, "VolumeSnapshots");
    const contents = plan.snapshots.filter((s) => s.content && s.deletionPolicy === "Delete").map((s) => ({ apiVersion: SNAPSHOT_API, kind: "VolumeSnapshotContent", name: s.content! }));
    await waitGone(contents, "VolumeSnapshotContents");
    const claims = plan.claims.map(inNs("v1", "PersistentVolumeClaim"));
    for (const r of claims) await del(r);
    await waitGone(claims, "PersistentVolumeClaims");
    const deleted = plan.claims.filter((c) => c.volume && c.reclaimPolicy === "Delete").map((c) => ({ apiVersion: "v1", kind: "PersistentVolume", name: c.volume! }));
    await waitGone(deleted, "PersistentVolumes");
    const attachments = await api.list<{ metadata: { name: string }; spec?: { source?: { persistentVolumeName?: string } } }>("storage.k8s.io/v1", "VolumeAttachment");
    const ours = new Set(plan.claims.map((c) => c.volume));
    await waitGone(
        attachments.filter((a) => ours.has(a.spec?.source?.persistentVolumeName)).map((a) => ({ apiVersion: "storage.k8s.io/v1", kind: "VolumeAttachment", name: a.metadata.name })),
        "VolumeAttachments",
    );
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

/** Deletes LoadBalancer Services, volume snapshots and volume claims when destroyed, waiting until the cloud side is given back. */
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
