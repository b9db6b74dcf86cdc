import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CEPH_NAMESPACE, chartsSchema, clusterReplicas, createStep, credentialNames, deployPlan, OPENSTACK_NAMESPACE, quorum, ROOK_NAMESPACE, type ChartSite, type PlanStep, type Values } from "../charts";
import { parseArgs } from "../core/validation";
import type { PlatformSettings } from "./args";
import type { Credentials } from "./credentials";
import { PLATFORM_VALUES } from "./values";

export { gatewaySchema, platformSchema, type GatewayConfig, type PlatformConfig, type PlatformSettings } from "./args";
export { Credentials, type CredentialsArgs } from "./credentials";
export { PLATFORM_VALUES } from "./values";

export interface PlatformArgs {
    /** The site and the facts chart values depend on (profile, control-plane node count, storage backend). */
    site: ChartSite;
    /** Chart sources and exact pins (validated here). */
    charts: z.input<typeof chartsSchema>;
    /** Storage devices and the public gateway. */
    platform: PlatformSettings;
    /** The site's deployment plan; this layer creates its `platform` steps. Pass the plan the OpenStack layer gets
     * too when releases are serialized across layers. @default deployPlan of the site's storage, in parallel */
    plan?: readonly PlanStep[];
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
        const site = args.site;
        const charts = parseArgs(chartsSchema, args.charts, "args.charts", this, "Platform");
        const plan = args.plan ?? deployPlan({ storageBackend: site.storageBackend, services: [] });
        const child = { parent: this, provider: args.provider };
        const ns = (n: string) =>
            new k8s.core.v1.Namespace(`${name}-ns-${n}`, { metadata: { name: n } }, { ...child, dependsOn: args.dependsOn });
        this.namespace = ns(OPENSTACK_NAMESPACE);
        const namespaces = [this.namespace, ...(site.storageBackend === "ceph" ? [ns(ROOK_NAMESPACE), ns(CEPH_NAMESPACE)] : [])];

        const steps = new Map<string, pulumi.Resource>();
        const values = (chart: string) => platformValues(chart, { site, settings: args.platform, secret: (n) => args.credentials.get(n) });
        const protect = (chart: string) => site.site.profile === "prod" && STATEFUL.includes(chart);
        for (const step of plan.filter((s) => s.layer === "platform")) {
            const dependsOn = [...namespaces, ...step.after.map((id) => steps.get(id)!)];
            steps.set(step.id, createStep(name, step, { charts, values, protect, provider: args.provider, kubeconfig: args.kubeconfig, parent: this, dependsOn }));
        }
        this.steps = steps;

        // The rabbitmq chart renders no disruption budget: keep a quorum of brokers through node drains.
        if (clusterReplicas(site) > 1) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-rabbitmq-pdb`,
                {
                    metadata: { name: "rabbitmq-server", namespace: OPENSTACK_NAMESPACE },
                    spec: {
                        minAvailable: quorum(clusterReplicas(site)),
                        selector: { matchLabels: { application: "rabbitmq", component: "server", release_group: "rabbitmq" } },
                    },
                },
                { ...child, dependsOn: [this.namespace] },
            );
        }
        if (args.platform.gateway.kind === "gateway") {
            // The Gateway the charts' HTTPRoutes attach to; its class and TLS certificate are the site's.
            new k8s.apiextensions.CustomResource(
                `${name}-gateway`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "Gateway",
                    metadata: { name: args.platform.gateway.className, namespace: OPENSTACK_NAMESPACE },
                    spec: {
                        gatewayClassName: args.platform.gateway.className,
                        ...(args.platform.gateway.address ? { addresses: [{ type: "IPAddress", value: args.platform.gateway.address }] } : {}),
                        listeners: [
                            {
                                name: "https",
                                protocol: "HTTPS",
                                port: 443,
                                hostname: `*.${site.site.domain}`,
                                tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: args.platform.gateway.tlsSecretName }] },
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

/** The values of one platform chart. */
export function platformValues<T>(chart: string, ctx: { site: ChartSite; settings: PlatformSettings; secret: (name: string) => T }): Values {
    const build = PLATFORM_VALUES[chart];
    if (!build) throw new Error(`no platform values builder for chart "${chart}"`);
    return build(ctx);
}

/** Every credential the given platform charts ask for. */
export function platformCredentialNames(site: ChartSite, settings: PlatformSettings, charts: readonly string[]): string[] {
    return credentialNames(charts.filter((c) => c in PLATFORM_VALUES).map((c) => PLATFORM_VALUES[c]), site, settings);
}
