import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Model } from "../../stacks/config/model";
import { ReadinessGate } from "../k8s/readiness";
import { OPENSTACK_NAMESPACE } from "../openstack/catalog";
import { deployPlan, type PlanStep } from "../openstack/plan";
import { releaseArgs } from "../openstack/release";
import { CEPH_NAMESPACE, chartValues, clusterReplicas, quorum, ROOK_NAMESPACE } from "../openstack/values";
import type { Credentials } from "./credentials";

export { Credentials } from "./credentials";

export interface PlatformArgs {
    /** Validated site model. */
    model: Model;
    /** Site cluster. Required: default providers are disabled. */
    provider: k8s.Provider;
    /** Kubeconfig of the same cluster, for the readiness gates (secret). */
    kubeconfig: pulumi.Input<string>;
    /** Generated credentials. */
    credentials: Credentials;
    /** What must exist first (the control plane, node labels). @default [] */
    dependsOn?: pulumi.Resource[];
}

/** Charts whose volumes hold the site's data: protected from deletion in prod. */
const STATEFUL = ["mariadb", "rabbitmq", "rook-ceph-cluster"];

/**
 * The infrastructure OpenStack runs on: namespaces, storage (Rook/Ceph or local volumes) behind the `general`
 * StorageClass, MariaDB/Galera, RabbitMQ, Memcached, Open vSwitch, libvirt, and the public gateway.
 */
export class Platform extends pulumi.ComponentResource {
    /** Every release and gate of this layer by plan step id, for the next layer's dependencies. */
    public readonly steps: ReadonlyMap<string, pulumi.Resource>;
    public readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:platform:Platform", name, {}, opts);
        const m = args.model;
        const child = { parent: this, provider: args.provider };
        const ns = (n: string) =>
            new k8s.core.v1.Namespace(`${name}-ns-${n}`, { metadata: { name: n } }, { ...child, dependsOn: args.dependsOn });
        this.namespace = ns(OPENSTACK_NAMESPACE);
        const namespaces = [this.namespace, ...(m.platform.storage.backend === "ceph" ? [ns(ROOK_NAMESPACE), ns(CEPH_NAMESPACE)] : [])];

        const steps = new Map<string, pulumi.Resource>();
        for (const step of deployPlan(m).filter((s) => s.layer === "platform")) {
            const dependsOn = [...namespaces, ...step.after.map((id) => steps.get(id)!)];
            steps.set(step.id, createStep(name, step, { m, provider: args.provider, kubeconfig: args.kubeconfig, credentials: args.credentials, parent: this, dependsOn }));
        }
        this.steps = steps;

        // The rabbitmq chart renders no disruption budget: keep a quorum of brokers through node drains.
        if (clusterReplicas(m) > 1) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-rabbitmq-pdb`,
                {
                    metadata: { name: "rabbitmq-server", namespace: OPENSTACK_NAMESPACE },
                    spec: {
                        minAvailable: quorum(clusterReplicas(m)),
                        selector: { matchLabels: { application: "rabbitmq", component: "server", release_group: "rabbitmq" } },
                    },
                },
                { ...child, dependsOn: [this.namespace] },
            );
        }
        if (m.platform.gateway.kind === "gateway") {
            // The Gateway the charts' HTTPRoutes attach to; its class and TLS certificate are the site's.
            new k8s.apiextensions.CustomResource(
                `${name}-gateway`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "Gateway",
                    metadata: { name: m.platform.gateway.className, namespace: OPENSTACK_NAMESPACE },
                    spec: {
                        gatewayClassName: m.platform.gateway.className,
                        ...(m.platform.gateway.address ? { addresses: [{ type: "IPAddress", value: m.platform.gateway.address }] } : {}),
                        listeners: [
                            {
                                name: "https",
                                protocol: "HTTPS",
                                port: 443,
                                hostname: `*.${m.site.domain}`,
                                tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: m.platform.gateway.tlsSecretName }] },
                                allowedRoutes: { namespaces: { from: "Same" } },
                            },
                        ],
                    },
                },
                { ...child, dependsOn: [this.namespace] },
            );
        }
        this.registerOutputs({ namespace: this.namespace.metadata.name });
    }
}

interface StepContext {
    m: Model;
    provider: k8s.Provider;
    kubeconfig: pulumi.Input<string>;
    credentials: Credentials;
    parent: pulumi.Resource;
    dependsOn: pulumi.Resource[];
}

/** A plan step as a resource: a Helm release of the chart, or a readiness gate. */
export function createStep(prefix: string, step: PlanStep, ctx: StepContext): pulumi.Resource {
    const opts = { parent: ctx.parent, dependsOn: ctx.dependsOn };
    if (step.kind === "gate") {
        return new ReadinessGate(`${prefix}-${step.id}`, { kubeconfig: ctx.kubeconfig, targets: step.targets ?? [] }, opts);
    }
    const chart = step.chart!;
    const values = chartValues(chart, { model: ctx.m, secret: (n) => ctx.credentials.get(n) });
    return new k8s.helm.v3.Release(
        `${prefix}-${step.id}`,
        releaseArgs(ctx.m, { chart, namespace: step.namespace, values, releaseName: step.releaseName }),
        { ...opts, provider: ctx.provider, protect: ctx.m.site.profile === "prod" && STATEFUL.includes(chart) },
    );
}
