// Day-2 invariants of a prod site, judged over the whole stack: every OpenStack workload has a priority class no
// tenant or add-on class can outrank, every API is scaled by an HPA the releases do not fight, and the data layer
// runs in the Guaranteed QoS class. The pack stands alone: what it knows of the charts is listed here.
import type { Report, StackResource } from "./policies";

export const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PATCH = /^kubernetes:apps\/v1:(StatefulSet|DaemonSet|Deployment)Patch$/;

/** No class an OpenStack workload uses is below this; every other class (tenants', add-ons') must be. */
export const PRIORITY_FLOOR = 100_000_000;

/** Charts whose templates read `pod.priorityClassName`: the release's values must give classes. */
export const CLASS_IN_VALUES = ["openvswitch", "keystone", "glance", "placement", "nova", "neutron", "cinder", "horizon", "heat", "barbican", "octavia", "manila"];
/** Charts whose templates read none: a server-side-apply patch must give these workloads their class. */
export const CLASS_BY_PATCH: Readonly<Record<string, readonly string[]>> = {
    mariadb: ["mariadb-server", "mariadb-controller"],
    rabbitmq: ["rabbitmq-rabbitmq"],
    memcached: ["memcached-memcached"],
    libvirt: ["libvirt-libvirt-default"],
};
/** The API Deployments of each service chart and the `pod.replicas` key the chart renders their count from. */
export const API_DEPLOYMENTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    keystone: { "keystone-api": "api" },
    glance: { "glance-api": "api" },
    placement: { "placement-api": "api" },
    nova: { "nova-api-osapi": "osapi", "nova-api-metadata": "api_metadata" },
    neutron: { "neutron-server": "server" },
    cinder: { "cinder-api": "api" },
    horizon: { horizon: "server" },
    heat: { "heat-api": "api", "heat-cfn": "cfn" },
    barbican: { "barbican-api": "api" },
    octavia: { "octavia-api": "api" },
    manila: { "manila-api": "api" },
};
/** Data-holding charts and the `pod.resources` key of their server. */
export const GUARANTEED = { mariadb: "server", rabbitmq: "server" } as const;

const get = (v: unknown, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), v);
const chartOf = (r: StackResource) => String(r.props.chart ?? "").split("/").pop() ?? "";
const releases = (resources: readonly StackResource[]) => resources.filter((r) => r.type === RELEASE);

/** Every OpenStack workload has a class of the stack's own, at or above the floor; nothing else reaches it. */
export function checkPriority(resources: readonly StackResource[], report: Report): void {
    const classes = new Map(resources.filter((r) => r.type === PRIORITY_CLASS).map((r) => [String(get(r.props, "metadata.name")), r.props]));
    const used = new Set<string>();
    const use = (cls: unknown, what: string) => {
        if (typeof cls !== "string" || cls === "") return report(`${what} has no priority class; the kubelet would evict it before anything that has one.`);
        used.add(cls);
        const c = classes.get(cls);
        if (!c) report(`${what} names priority class "${cls}", which the stack does not create.`);
        else if (typeof c.value === "number" && c.value < PRIORITY_FLOOR) report(`${what}: priority class "${cls}" has value ${c.value}, below ${PRIORITY_FLOOR}; tenant workloads could preempt it.`);
    };
    const patches = resources.filter((r) => PATCH.test(r.type));
    for (const rel of releases(resources)) {
        const chart = chartOf(rel);
        if (CLASS_IN_VALUES.includes(chart)) {
            const given = get(rel.props, "values.pod.priorityClassName") as Record<string, unknown> | undefined;
            if (!given || Object.keys(given).length === 0) report(`${chart}: the release gives its workloads no priority class (values.pod.priorityClassName).`);
            for (const [component, cls] of Object.entries(given ?? {})) use(cls, `${chart} ${component}`);
        }
        for (const workload of CLASS_BY_PATCH[chart] ?? []) {
            const patch = patches.find((p) => get(p.props, "metadata.name") === workload);
            use(get(patch?.props, "spec.template.spec.priorityClassName"), `${chart} ${workload}`);
        }
    }
    for (const [name, c] of classes) {
        if (c.globalDefault === true) report(`priority class "${name}" is the global default: every tenant pod would share it.`);
        if (!used.has(name) && typeof c.value === "number" && c.value >= PRIORITY_FLOOR) report(`priority class "${name}" (value ${c.value}) is not an OpenStack workload's yet reaches ${PRIORITY_FLOOR}: pods using it could preempt OpenStack.`);
    }
}

/** Every API Deployment is scaled by an autoscaling/v2 HPA (min >= 2), and its release renders no count to fight it. */
export function checkAutoscaled(resources: readonly StackResource[], report: Report): void {
    const hpas = resources.filter((r) => r.type === HPA);
    for (const rel of releases(resources)) {
        const chart = chartOf(rel);
        for (const [deployment, key] of Object.entries(API_DEPLOYMENTS[chart] ?? {})) {
            const hpa = hpas.find((h) => get(h.props, "spec.scaleTargetRef.kind") === "Deployment" && get(h.props, "spec.scaleTargetRef.name") === deployment);
            if (!hpa) {
                report(`${chart}: API Deployment ${deployment} has no HorizontalPodAutoscaler.`);
                continue;
            }
            const min = get(hpa.props, "spec.minReplicas");
            if (typeof min === "number" && min < 2) report(`${chart}: the HPA of ${deployment} allows ${min} replica(s); prod keeps at least 2.`);
            const rendered = get(rel.props, `values.pod.replicas.${key}`);
            if (typeof rendered === "number") report(`${chart}: values.pod.replicas.${key} is ${rendered}; under an HPA the release must render no count (null), or every upgrade resets it.`);
        }
    }
}

/** Galera and RabbitMQ in the Guaranteed QoS class: resources enabled, requests equal to limits. */
export function checkGuaranteed(props: Record<string, unknown>, report: Report): void {
    const chart = String(props.chart ?? "").split("/").pop() as keyof typeof GUARANTEED;
    if (!(chart in GUARANTEED)) return;
    const res = get(props, `values.pod.resources`) as { enabled?: unknown } | undefined;
    if (res === undefined) return;
    const server = get(res, GUARANTEED[chart]) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
    if (res.enabled !== true) return report(`${chart}: values.pod.resources.enabled is not true; the chart renders no requests or limits.`);
    for (const q of ["cpu", "memory"]) {
        const req = server?.requests?.[q];
        const lim = server?.limits?.[q];
        if (req === undefined || req !== lim) report(`${chart}: ${GUARANTEED[chart]} requests.${q} ${String(req)} and limits.${q} ${String(lim)} differ; prod's data layer must be Guaranteed (equal, CPU and memory).`);
    }
}
