// An explicit readiness gate: a resource whose creation waits until named workloads in a cluster are ready.
// Helm releases of openstack-helm skip Helm's own wait (it deadlocks with their hook Jobs), so a release that truly
// needs another one up depends on a gate instead. Served by OSK's own provider plugin (components/provider); it
// reads the cluster with the kubeconfig.
import * as pulumi from "@pulumi/pulumi";
import { OskResource } from "../provider/resource";
import type { ResourceHandler } from "../provider/types";
import { apiError, kubeApi, waitForEach, type ObjectRef } from "./client";

export interface GateTarget {
    kind: "StatefulSet" | "Deployment" | "DaemonSet" | "Job";
    namespace: string;
    name: string;
}

export interface ReadinessGateArgs {
    /** Kubeconfig of the cluster (secret). */
    kubeconfig: pulumi.Input<string>;
    /** Workloads that must be ready. */
    targets: GateTarget[];
    /** Give up after this many seconds. @default 1800 */
    timeoutSeconds?: number;
}

/** Whether a workload object (as the API returns it) is ready. */
export function isReady(kind: GateTarget["kind"], obj: { metadata?: { generation?: number }; spec?: { replicas?: number }; status?: Record<string, number | undefined> }): boolean {
    const st = obj.status ?? {};
    if (kind === "Job") return (st.succeeded ?? 0) >= 1;
    if (kind === "DaemonSet") return (st.desiredNumberScheduled ?? 0) > 0 && (st.numberReady ?? 0) >= (st.desiredNumberScheduled ?? 0);
    const want = obj.spec?.replicas ?? 1;
    const fresh = (st.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0);
    return fresh && (st.readyReplicas ?? 0) >= want;
}

/** The API object of a workload. */
export function workloadRef(t: GateTarget): ObjectRef {
    return { apiVersion: t.kind === "Job" ? "batch/v1" : "apps/v1", kind: t.kind, namespace: t.namespace, name: t.name };
}

interface Inputs {
    kubeconfig: string;
    targets: GateTarget[];
    timeoutSeconds: number;
}

/** What the plugin does for `osk:k8s:ReadinessGate`: waits on create; new targets mean a new gate. */
export const ReadinessGateHandler: ResourceHandler<Inputs> = {
    token: "osk:k8s:ReadinessGate",
    diff(olds, news) {
        const changed = JSON.stringify(olds.targets) !== JSON.stringify(news.targets);
        return { changes: changed, replaces: changed ? ["targets"] : [] };
    },
    async create(inputs) {
        let lastError = "";
        const api = inputs.targets.length > 0 ? kubeApi(inputs.kubeconfig) : undefined;
        const ready = async (t: GateTarget) => {
            try {
                const obj = await api!.get<Parameters<typeof isReady>[1]>(workloadRef(t));
                if (obj && isReady(t.kind, obj)) return true;
            } catch (e) {
                lastError = `${t.kind} ${t.namespace}/${t.name}: ${apiError(e)}`;
            }
            return false;
        };
        await waitForEach(inputs.targets, ready, inputs.timeoutSeconds, (left) => {
            const names = left.map((t) => `${t.kind} ${t.namespace}/${t.name}`);
            return new Error(`not ready after ${inputs.timeoutSeconds} s: ${names.join(", ")}${lastError ? ` (last error: ${lastError})` : ""}`);
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const id = (require("crypto") as typeof import("crypto")).randomBytes(8).toString("hex");
        return { id, outs: inputs };
    },
};

export class ReadinessGate extends OskResource {
    constructor(name: string, args: ReadinessGateArgs, opts?: pulumi.CustomResourceOptions) {
        super("osk:k8s:ReadinessGate", name, { kubeconfig: pulumi.secret(args.kubeconfig), targets: args.targets, timeoutSeconds: args.timeoutSeconds ?? 1800 }, opts, ["kubeconfig"]);
    }
}
