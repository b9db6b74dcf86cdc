// Day-2 settings every chart workload shares: requests and limits per profile (overridable per chart component),
// the PriorityClasses OSK creates and which tier gets which, and autoscaling of the API Deployments. Each chart
// says what its own values take (its `pod.resources`, `pod.priorityClassName` and `pod.replicas` keys) in a
// table beside its values; this module turns a table and the site into values, patches and autoscalers. Pure.
import { z } from "zod";
import type { Profile } from "../core/site";
import { setPath, type ChartSite, type Values } from "./values";
import { UNSET_REPLICAS } from "./postrender";

// ---- quantities ----------------------------------------------------------------------------------------------

const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(Ki|Mi|Gi|Ti)$/;
const cpu = z.string().regex(CPU, "must be a CPU quantity such as 500m or 2");
const memory = z.string().regex(MEMORY, "must be a memory quantity such as 512Mi or 4Gi");
const side = z.strictObject({ cpu: cpu.optional(), memory: memory.optional() });

/** Millicores of a CPU quantity (`500m`, `2`, `1.5`). */
export function millicores(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Bytes of a memory quantity (`512Mi`, `4Gi`). */
export function bytes(q: string): number {
    const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(q);
    return m ? Number(m[1]) * units[m[2]] : NaN;
}

/** Requests and limits of one container, as openstack-helm's `pod.resources.<component>` takes them. */
export interface Resources {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** An override in the stack configuration: any side and quantity may be left out and keeps the profile's. */
export const resourcesOverride = z.strictObject({ requests: side.optional(), limits: side.optional() });
export type ResourcesOverride = z.infer<typeof resourcesOverride>;

// ---- tiers, priority -----------------------------------------------------------------------------------------

/**
 * What a workload is to the site: `data` (MariaDB, RabbitMQ, Memcached), `agent` (per-node daemons: Open vSwitch,
 * libvirt, nova-compute, the Neutron agents), `api` (the OpenStack APIs and the dashboard), `worker` (conductors,
 * schedulers, engines behind the APIs), `job` (one-shot setup and cron Jobs).
 */
export type Tier = "data" | "agent" | "api" | "worker" | "job";

/** The PriorityClasses OSK creates. Values sit far above anything a tenant or an add-on is given (the default is
 * 0), below the system classes (2e9); the policy pack holds the floor. */
export const PRIORITY_CLASSES = {
    "osk-infrastructure": { value: 900_000_000, description: "OSK: the data and message layer (MariaDB, RabbitMQ, Memcached) and the node agents (Open vSwitch, libvirt, nova-compute, Neutron agents): evicted last." },
    "osk-api": { value: 800_000_000, description: "OSK: the OpenStack APIs and the services behind them (conductors, schedulers, engines)." },
} as const;
export type PriorityClassName = keyof typeof PRIORITY_CLASSES;
/** No OSK class is below this; a tenant's or add-on's class must stay below it, so it can never preempt OSK. */
export const PRIORITY_FLOOR = 100_000_000;

/** The class of a tier; one-shot Jobs get none (preempting them costs a rerun, not an outage). */
export function priorityOf(tier: Tier): PriorityClassName | undefined {
    if (tier === "data" || tier === "agent") return "osk-infrastructure";
    if (tier === "api" || tier === "worker") return "osk-api";
    return undefined;
}

// ---- what a chart takes --------------------------------------------------------------------------------------

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

/** One long-running container group of a chart, as its values.yaml and templates name it. */
export interface ChartWorkload {
    /** Key under the chart's `pod.resources` (dotted: `ovs.vswitchd`, `agent.dhcp`). */
    resources: string;
    tier: Exclude<Tier, "job">;
    /** Key under `pod.priorityClassName` the chart's template reads; absent when the chart takes none. */
    priority?: string;
    /** The object the chart renders for it: patched with the class when the chart takes none, or scaled by an
     * autoscaler when it is an API. */
    object?: { kind: WorkloadKind; name: string };
    /** `pod.replicas` key of an API Deployment: left to an autoscaler when autoscaling is on. */
    autoscale?: string;
    /** Holds data (Galera, RabbitMQ): in prod it must be in the Guaranteed QoS class. @default false */
    stateful?: boolean;
    /** This workload's own default per profile, instead of its tier's. */
    size?: Partial<Record<Profile, Resources>>;
}

/** Every resources-taking part of one chart: its workloads and the keys under `pod.resources.jobs`. */
export interface ChartWorkloads {
    workloads: ChartWorkload[];
    jobs: string[];
}

const r = (reqCpu: string, reqMem: string, limCpu: string, limMem: string): Resources => ({ requests: { cpu: reqCpu, memory: reqMem }, limits: { cpu: limCpu, memory: limMem } });
/** Requests equal to limits: the Guaranteed QoS class. */
export const guaranteed = (c: string, m: string): Resources => r(c, m, c, m);

/** Default requests and limits per profile and tier: dev fits an all-in-one node, prod a site of real size. */
export const TIER_SIZES: Record<Profile, Record<Tier, Resources>> = {
    dev: {
        data: r("100m", "256Mi", "1", "1Gi"),
        agent: r("50m", "128Mi", "1", "1Gi"),
        api: r("50m", "128Mi", "1", "512Mi"),
        worker: r("50m", "128Mi", "1", "512Mi"),
        job: r("10m", "64Mi", "500m", "256Mi"),
    },
    prod: {
        data: guaranteed("1", "2Gi"),
        agent: r("500m", "1Gi", "4", "4Gi"),
        api: r("500m", "1Gi", "2", "2Gi"),
        worker: r("250m", "512Mi", "2", "2Gi"),
        job: r("100m", "128Mi", "1", "1Gi"),
    },
};

/**
 * The container default the namespace's LimitRange gives containers a chart renders without resources (helm-toolkit's
 * dependency-check init container): requests equal to limits, so a pod whose own containers are Guaranteed stays so.
 */
export const CONTAINER_DEFAULT = guaranteed("100m", "128Mi");

// ---- settings ------------------------------------------------------------------------------------------------

export const autoscalingSchema = z
    .strictObject({
        /** An HPA per OpenStack API Deployment, which then owns its replicas. @default prod: true, dev: false */
        enabled: z.boolean().optional(),
        /** The most replicas an API scales to; the fewest is the profile's HA count. @default 6 */
        maxReplicas: z.int().min(1, "must be at least 1").max(100, "must be at most 100").default(6),
        /** Average CPU utilisation (percent of the request) the HPA keeps each API at. @default 70 */
        targetCPUUtilization: z.int().min(10, "must be at least 10 (percent)").max(100, "must be at most 100 (percent)").default(70),
    })
    .default({ maxReplicas: 6, targetCPUUtilization: 70 });

export const workloadsSchema = z
    .strictObject({
        /** Requests and limits per chart component, `"<chart>.<pod.resources key>"` (e.g. `"mariadb.server"`,
         * `"keystone.api"`, `"nova.jobs.db_sync"`): merged over the profile's default. @default {} */
        resources: z.record(z.string(), resourcesOverride).default({}),
        autoscaling: autoscalingSchema,
    })
    .default({ resources: {}, autoscaling: { maxReplicas: 6, targetCPUUtilization: 70 } });

/** The `osk:workloads` section, defaults applied. */
export type WorkloadsConfig = z.infer<typeof workloadsSchema>;

export const DEFAULT_WORKLOADS: WorkloadsConfig = workloadsSchema.parse(undefined);

/** The site's workloads settings, defaults when it gives none. */
export function siteWorkloads(s: ChartSite): WorkloadsConfig {
    return s.workloads ?? DEFAULT_WORKLOADS;
}

/** Whether API Deployments get an autoscaler: the configured choice, else on in prod. */
export function autoscalingEnabled(profile: Profile, cfg: WorkloadsConfig): boolean {
    return cfg.autoscaling.enabled ?? profile === "prod";
}

// ---- resolving ---------------------------------------------------------------------------------------------

/** The `"<chart>.<key>"` names of every component a chart takes resources for. */
export function resourceKeys(chart: string, table: ChartWorkloads): string[] {
    return [...new Set([...table.workloads.map((w) => `${chart}.${w.resources}`), ...table.jobs.map((j) => `${chart}.jobs.${j}`)])];
}

function withOverride(base: Resources, o: ResourcesOverride | undefined): Resources {
    return { requests: { ...base.requests, ...o?.requests }, limits: { ...base.limits, ...o?.limits } } as Resources;
}

/** Requests and limits of every component of a chart: the workload's or tier's default, then the override. */
export function chartResources(chart: string, table: ChartWorkloads, profile: Profile, cfg: WorkloadsConfig): Record<string, Resources> {
    const out: Record<string, Resources> = {};
    for (const w of table.workloads) out[w.resources] = withOverride(w.size?.[profile] ?? TIER_SIZES[profile][w.tier], cfg.resources[`${chart}.${w.resources}`]);
    for (const j of table.jobs) out[`jobs.${j}`] = withOverride(TIER_SIZES[profile].job, cfg.resources[`${chart}.jobs.${j}`]);
    return out;
}

/** A problem with the workloads settings: the key path under `osk:workloads` and what is wrong and allowed. */
export interface WorkloadProblem {
    path: PropertyKey[];
    message: string;
}

/**
 * Checks every override names a known component, no request is above its limit, and in prod every stateful
 * workload is Guaranteed (requests equal to limits, CPU and memory). `tables`: chart -> what it takes.
 */
export function workloadProblems(profile: Profile, cfg: WorkloadsConfig, tables: Readonly<Record<string, ChartWorkloads>>): WorkloadProblem[] {
    const problems: WorkloadProblem[] = [];
    const known = Object.entries(tables).flatMap(([chart, t]) => resourceKeys(chart, t));
    for (const key of Object.keys(cfg.resources)) {
        if (!known.includes(key)) problems.push({ path: ["resources", key], message: `is not a chart component OSK sets resources for; allowed: ${known.join(", ")}` });
    }
    for (const [chart, table] of Object.entries(tables)) {
        const resolved = chartResources(chart, table, profile, cfg);
        for (const [key, res] of Object.entries(resolved)) {
            const path = ["resources", `${chart}.${key}`];
            if (millicores(res.requests.cpu) > millicores(res.limits.cpu)) problems.push({ path: [...path, "requests", "cpu"], message: `${res.requests.cpu} is above its limit ${res.limits.cpu}; allowed: a request at most the limit` });
            if (bytes(res.requests.memory) > bytes(res.limits.memory)) problems.push({ path: [...path, "requests", "memory"], message: `${res.requests.memory} is above its limit ${res.limits.memory}; allowed: a request at most the limit` });
        }
        if (profile !== "prod") continue;
        for (const w of table.workloads.filter((x) => x.stateful)) {
            const res = resolved[w.resources];
            for (const q of ["cpu", "memory"] as const) {
                if (res.requests[q] !== res.limits[q]) {
                    problems.push({ path: ["resources", `${chart}.${w.resources}`, "requests", q], message: `is ${res.requests[q]} with a limit of ${res.limits[q]}: a prod stateful service must be in the Guaranteed QoS class; allowed: requests.${q} equal to limits.${q}` });
                }
            }
        }
    }
    return problems;
}

/** The values that give a chart its resources, priority classes, and (under an autoscaler) no replica count. */
export function workloadValues(chart: string, table: ChartWorkloads, s: ChartSite): Values {
    const profile = s.site.profile;
    const cfg = siteWorkloads(s);
    const resources: Record<string, unknown> = { enabled: true };
    for (const [key, res] of Object.entries(chartResources(chart, table, profile, cfg))) setPath(resources, key, res);
    const priority: Record<string, string> = {};
    for (const w of table.workloads) {
        const cls = priorityOf(w.tier);
        if (w.priority && cls) priority[w.priority] = cls;
    }
    const pod: Record<string, unknown> = { resources };
    if (Object.keys(priority).length > 0) pod.priorityClassName = priority;
    if (autoscalingEnabled(profile, cfg)) {
        // No count for an HPA's Deployment: a rendered count would be written back by every upgrade. The chart
        // renders the empty value as `replicas: null`, which the release's post-renderer removes (./postrender.ts).
        const replicas: Record<string, string> = {};
        for (const w of table.workloads) if (w.autoscale) replicas[w.autoscale] = UNSET_REPLICAS;
        if (Object.keys(replicas).length > 0) pod.replicas = replicas;
    }
    return { pod };
}

/** Workloads whose chart takes no priority class: the object and the class a patch gives its pod template. */
export function priorityPatches(table: ChartWorkloads): { kind: WorkloadKind; name: string; priorityClassName: PriorityClassName }[] {
    return table.workloads.flatMap((w) => {
        const cls = priorityOf(w.tier);
        return !w.priority && w.object && cls ? [{ ...w.object, priorityClassName: cls }] : [];
    });
}

/** An autoscaling/v2 HorizontalPodAutoscaler spec on CPU utilisation. */
export interface AutoscalerSpec {
    scaleTargetRef: { apiVersion: "apps/v1"; kind: "Deployment"; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { type: "Resource"; resource: { name: "cpu"; target: { type: "Utilization"; averageUtilization: number } } }[];
}

/** An autoscaling/v2 HPA per API Deployment of a chart, when autoscaling is on (min: the HA count). */
export function autoscalers(table: ChartWorkloads, s: ChartSite, minReplicas: number): { name: string; spec: AutoscalerSpec }[] {
    const cfg = siteWorkloads(s);
    if (!autoscalingEnabled(s.site.profile, cfg)) return [];
    return table.workloads
        .filter((w) => w.autoscale && w.object?.kind === "Deployment")
        .map((w) => ({
            name: w.object!.name,
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.object!.name },
                minReplicas,
                maxReplicas: Math.max(minReplicas, cfg.autoscaling.maxReplicas),
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cfg.autoscaling.targetCPUUtilization } } }],
            },
        }));
}
