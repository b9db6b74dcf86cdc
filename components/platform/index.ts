import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CEPH_NAMESPACE, chartsSchema, clusterReplicas, CONTAINER_DEFAULT, createStep, credentialNames, deployPlan, OPENSTACK_NAMESPACE, PRIORITY_CLASSES, priorityPatches, quorum, ROOK_NAMESPACE, type ChartSite, type PlanStep, type Values, type WorkloadKind } from "../charts";
import { dockerConfigJson, PULL_SECRET_NAME } from "../core/registry";
import { parseArgs } from "../core/validation";
import type { PlatformSettings } from "./args";
import type { Credentials } from "./credentials";
import { PLATFORM_VALUES, PLATFORM_WORKLOADS } from "./values";

export { gatewaySchema, platformSchema, type GatewayConfig, type PlatformConfig, type PlatformSettings } from "./args";
export { Credentials, type CredentialsArgs } from "./credentials";
export { PLATFORM_VALUES, PLATFORM_WORKLOADS } from "./values";

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
    /** OSK's PriorityClasses and the namespace's container defaults: what every OpenStack pod needs admitted. */
    public readonly podPrerequisites: pulumi.Resource[];

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
        // The Rook charts take a pull secret by name (openstack-helm's render their own): with a mirror that needs a
        // login, one in each of their namespaces, from the mirror's password (a secret, never in a plain value).
        const registry = site.site.registry;
        const pullSecrets =
            site.storageBackend === "ceph" && registry?.username
                ? [ROOK_NAMESPACE, CEPH_NAMESPACE].map(
                      (n) =>
                          new k8s.core.v1.Secret(
                              `${name}-pull-secret-${n}`,
                              {
                                  metadata: { name: PULL_SECRET_NAME, namespace: n },
                                  type: "kubernetes.io/dockerconfigjson",
                                  stringData: { ".dockerconfigjson": pulumi.secret(args.credentials.get("image-registry").apply((pw) => dockerConfigJson(registry, pw))) },
                              },
                              { ...child, dependsOn: namespaces },
                          ),
                  )
                : [];

        // Before any pod: the Priority admission plugin rejects a pod naming a class that does not exist, and the
        // LimitRange fills in only at admission.
        this.podPrerequisites = [
            ...Object.entries(PRIORITY_CLASSES).map(
                ([cls, c]) =>
                    new k8s.scheduling.v1.PriorityClass(`${name}-priority-${cls}`, { metadata: { name: cls }, value: c.value, globalDefault: false, preemptionPolicy: "PreemptLowerPriority", description: c.description }, { ...child, dependsOn: args.dependsOn }),
            ),
            // Containers the charts render without resources (helm-toolkit's dependency-check init container) get
            // requests equal to limits, so they neither go unbounded nor take a Guaranteed pod out of its class.
            new k8s.core.v1.LimitRange(
                `${name}-container-defaults`,
                { metadata: { name: "osk-container-defaults", namespace: OPENSTACK_NAMESPACE }, spec: { limits: [{ type: "Container", default: CONTAINER_DEFAULT.limits, defaultRequest: CONTAINER_DEFAULT.requests }] } },
                { ...child, dependsOn: [this.namespace] },
            ),
        ];
        const steps = new Map<string, pulumi.Resource>();
        const values = (chart: string) => platformValues(chart, { site, settings: args.platform, secret: (n) => args.credentials.get(n) });
        const protect = (chart: string) => site.site.profile === "prod" && STATEFUL.includes(chart);
        for (const step of plan.filter((s) => s.layer === "platform")) {
            const dependsOn = [...namespaces, ...pullSecrets, ...this.podPrerequisites, ...step.after.map((id) => steps.get(id)!)];
            const created = createStep(name, step, { charts, values, protect, provider: args.provider, kubeconfig: args.kubeconfig, parent: this, dependsOn });
            // What waits for this step waits for its pods to carry their class too.
            const patches = (step.chart ? priorityPatches(PLATFORM_WORKLOADS[step.chart] ?? { workloads: [], jobs: [] }) : []).map((p) =>
                priorityPatch(`${name}-${step.id}-priority-${p.name}`, p.kind, { metadata: { name: p.name, namespace: step.namespace }, spec: { template: { spec: { priorityClassName: p.priorityClassName } } } }, { ...child, dependsOn: [created], retainOnDelete: true }),
            );
            steps.set(step.id, patches.length > 0 ? patches[patches.length - 1] : created);
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

/**
 * The priority class of a workload whose chart takes none, by server-side apply under Pulumi's own field manager:
 * it owns that one field of the pod template; Helm's three-way merge leaves fields it never rendered, so upgrades
 * keep it. Costs one rolling restart of the workload after its first install. Kept on delete: the workload goes
 * with its release, and the provider refuses to drop a patch's share of fields such as spec.selector.
 */
function priorityPatch(name: string, kind: WorkloadKind, patch: { metadata: { name: string; namespace: string }; spec: { template: { spec: { priorityClassName: string } } } }, opts: pulumi.CustomResourceOptions): pulumi.Resource {
    if (kind === "StatefulSet") return new k8s.apps.v1.StatefulSetPatch(name, patch, opts);
    if (kind === "DaemonSet") return new k8s.apps.v1.DaemonSetPatch(name, patch, opts);
    return new k8s.apps.v1.DeploymentPatch(name, patch, opts);
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
