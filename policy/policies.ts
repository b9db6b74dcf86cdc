// OSK's production invariants as policies, checked on every preview and converge. Each check is a pure function
// of one resource's inputs (or of the whole stack), so tests call them directly as well as through the engine.
// Values unknown at preview time are skipped, never reported: a policy judges only what it can see.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parseAllDocuments } from "yaml";
import { checkAutoscaled, checkGuaranteed, checkPriority } from "./workloads";

export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const REMOTE_COMMAND = "osk:remote:Command";
export const SECGROUP_RULE = "openstack:networking/secGroupRule:SecGroupRule";
export const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
const INIT_TEMPLATE = "/etc/osk/kubeadm-init.yaml.template";
const JOIN_TEMPLATE = "/etc/osk/kubeadm-join.yaml.template";

/** Charts whose pods legitimately run privileged (host networking, kernel modules, VMs). */
export const PRIVILEGED_CHARTS = ["openvswitch", "libvirt", "nova", "neutron", "cinder", "manila", "local-volume-provisioner", "rook-ceph", "rook-ceph-cluster"];
/** Charts holding data: their releases must be protected from deletion. */
export const STATEFUL_CHARTS = ["mariadb", "rabbitmq", "rook-ceph-cluster"];
/** Charts whose setup Jobs are Helm hooks: Helm's wait deadlocks on them. */
export const HOOK_CHARTS = ["keystone", "glance", "placement", "nova", "neutron", "cinder", "horizon", "heat", "barbican", "octavia", "manila", "rabbitmq"];
/** Literal credentials the charts ship with. */
export const CHART_DEFAULT_CREDENTIALS = ["password", "openstack-cookie", "insecure", "not-secure-passphrase", "9aee62c0-5253-4a86-b189-e0fb71fa503c", "manila"];

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const SECRETISH = /(pass(word|wd|phrase)?|secret|token|private_?key|credential|kubeconfig|cookie|kek|_key)$/i;
const WORLD = ["0.0.0.0/0", "::/0"];

export type Report = (message: string) => void;

export interface PolicyConfig {
    /** Repositories releases may come from. @default [] (any) */
    allowedRepositories?: string[];
    /** Local chart directories releases may come from. @default [] (any) */
    allowedChartDirectories?: string[];
}

const get = (v: unknown, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), v);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

/** Chart name of a release (the last path element for local charts). */
export function chartOf(props: Record<string, unknown>): string {
    return String(props.chart ?? "").split("/").pop() ?? "";
}

// ---- platform ----------------------------------------------------------------------------------------------

export function checkGalera(props: Record<string, unknown>, report: Report): void {
    if (chartOf(props) !== "mariadb") return;
    const servers = num(get(props.values, "pod.replicas.server"));
    const budget = num(get(props.values, "pod.lifecycle.disruption_budget.mariadb.min_available"));
    if (servers !== undefined && servers < 3) report(`Galera runs ${servers} server(s); prod needs at least 3 (pod.replicas.server).`);
    const quorum = servers !== undefined && servers > 1 ? Math.floor(servers / 2) + 1 : 0;
    if (servers !== undefined && budget !== undefined && budget < quorum) {
        report(`the MariaDB disruption budget keeps ${budget} of ${servers} servers up; quorum needs ${quorum} (pod.lifecycle.disruption_budget.mariadb.min_available).`);
    }
}

export function checkRabbitMQ(props: Record<string, unknown>, report: Report): void {
    if (chartOf(props) !== "rabbitmq") return;
    const servers = num(get(props.values, "pod.replicas.server"));
    if (servers !== undefined && servers < 3) report(`RabbitMQ runs ${servers} broker(s); prod needs at least 3 for quorum queues (pod.replicas.server).`);
}

/** API replicas and budgets of OpenStack service charts: every `pod.replicas.*` >= 2, every budget >= 1. */
export function checkApiHA(props: Record<string, unknown>, report: Report): void {
    const chart = chartOf(props);
    if (!HOOK_CHARTS.includes(chart) || chart === "rabbitmq") return;
    const replicas = get(props.values, "pod.replicas") as Record<string, unknown> | undefined;
    const budgets = get(props.values, "pod.lifecycle.disruption_budget") as Record<string, { min_available?: unknown }> | undefined;
    if (!replicas) {
        report(`${chart}: no replicas set; prod needs at least 2 of every API (pod.replicas).`);
        return;
    }
    for (const [k, v] of Object.entries(replicas)) {
        if (num(v) !== undefined && num(v)! < 2) report(`${chart}: pod.replicas.${k} is ${v}; prod needs at least 2.`);
    }
    if (!budgets || Object.keys(budgets).length === 0) report(`${chart}: no disruption budget; prod keeps at least one API replica up through drains.`);
    for (const [k, v] of Object.entries(budgets ?? {})) {
        if (num(v?.min_available) !== undefined && num(v?.min_available)! < 1) report(`${chart}: pod.lifecycle.disruption_budget.${k}.min_available is ${v?.min_available}; needs at least 1.`);
    }
}

export function checkPinned(props: Record<string, unknown>, report: Report, config: PolicyConfig = {}): void {
    const version = props.version;
    if (version === undefined && props.chart === undefined) return;
    if (typeof version !== "string" || !EXACT_VERSION.test(version)) report(`release of chart "${chartOf(props)}" is not pinned to an exact version (got ${JSON.stringify(version)}).`);
    const repo = get(props, "repositoryOpts.repo");
    if (typeof repo === "string" && config.allowedRepositories?.length && !config.allowedRepositories.includes(repo)) {
        report(`chart "${chartOf(props)}" comes from ${repo}; allowed repositories: ${config.allowedRepositories.join(", ")}.`);
    }
    const chart = String(props.chart ?? "");
    if (chart.startsWith("/") && config.allowedChartDirectories?.length && !config.allowedChartDirectories.some((d) => chart.startsWith(`${d}/`))) {
        report(`chart ${chart} is outside the allowed chart directories: ${config.allowedChartDirectories.join(", ")}.`);
    }
}

export function checkHooksSkipWait(props: Record<string, unknown>, report: Report): void {
    if (HOOK_CHARTS.includes(chartOf(props)) && props.skipAwait !== true) {
        report(`chart "${chartOf(props)}" runs its setup Jobs as Helm hooks; waiting for its pods deadlocks. Set skipAwait: true and gate on readiness instead.`);
    }
}

// ---- security ----------------------------------------------------------------------------------------------

export function checkNoDefaultCredentials(props: Record<string, unknown>, report: Report): void {
    const walk = (v: unknown, path: string): void => {
        if (typeof v === "string" && CHART_DEFAULT_CREDENTIALS.includes(v) && SECRETISH.test(path.split(".").pop() ?? "")) {
            report(`values.${path} is a chart default credential; OSK generates every credential.`);
        } else if (v && typeof v === "object") {
            for (const [k, c] of Object.entries(v)) walk(c, path ? `${path}.${k}` : k);
        }
    };
    walk(props.values, "");
}

/** Privileged pods only in the charts that need them: in values (`...privileged: true`) of any other chart. */
export function checkPrivileged(props: Record<string, unknown>, report: Report): void {
    const chart = chartOf(props);
    if (PRIVILEGED_CHARTS.includes(chart)) return;
    const walk = (v: unknown, path: string): void => {
        if (v && typeof v === "object") for (const [k, c] of Object.entries(v)) walk(c, path ? `${path}.${k}` : k);
        else if (path.endsWith(".privileged") && v === true) report(`chart "${chart}" asks for a privileged container (values.${path}); only ${PRIVILEGED_CHARTS.join(", ")} may.`);
    };
    walk(props.values, "");
}

/** CSI node plugins mount volumes into pods on the host: the one kind of OSK workload that must be privileged. */
export const PRIVILEGED_WORKLOADS = /^csi-(cinder|manila|nfs)-nodeplugin$/;

/** Workloads OSK defines directly: no privileged container, except the CSI node plugins (DaemonSets). */
export function checkWorkloadPrivileged(props: Record<string, unknown>, report: Report, type = ""): void {
    if (type === "kubernetes:apps/v1:DaemonSet" && PRIVILEGED_WORKLOADS.test(String(get(props, "metadata.name") ?? ""))) return;
    const spec = (get(props, "spec.template.spec") ?? get(props, "spec")) as { containers?: unknown[]; initContainers?: unknown[] } | undefined;
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])] as { name?: string; securityContext?: { privileged?: boolean } }[]) {
        if (c?.securityContext?.privileged === true) report(`container "${c.name}" is privileged; OSK's own workloads never need that.`);
    }
}

/** Security group rules: never SSH (22) or the Kubernetes API (6443) open to the whole Internet. */
export function checkWorldOpen(props: Record<string, unknown>, report: Report): void {
    const prefix = props.remoteIpPrefix;
    if (typeof prefix !== "string" || !WORLD.includes(prefix)) return;
    const lo = num(props.portRangeMin);
    const hi = num(props.portRangeMax);
    const covers = (port: number) => lo === undefined || hi === undefined || (lo <= port && port <= hi);
    for (const [port, what] of [[22, "SSH"], [6443, "the Kubernetes API"]] as const) {
        if (props.direction !== "egress" && covers(port)) report(`${what} (port ${port}) is open to ${prefix}; allow specific networks only.`);
    }
}

// ---- images ------------------------------------------------------------------------------------------------

export interface MirrorConfig {
    /** The site's mirror prefix (`<host>[/<path>]`, as `osk:site.registry` gives it); unset: nothing to check. */
    registry?: string;
}

/** Every image reference a chart's values set: `images.tags.*`, `repository` + `tag` pairs, `image` strings. */
export function valueImages(v: unknown, path = ""): { path: string; ref: string }[] {
    if (!v || typeof v !== "object") return [];
    if (Array.isArray(v)) return v.flatMap((x, i) => valueImages(x, `${path}[${i}]`));
    const o = v as Record<string, unknown>;
    const out: { path: string; ref: string }[] = [];
    if (typeof o.repository === "string" && typeof o.tag === "string") out.push({ path, ref: `${o.repository}:${o.tag}` });
    for (const [k, child] of Object.entries(o)) {
        const here = path ? `${path}.${k}` : k;
        if (typeof child === "string" && (k === "image" || /(^|\.)images\.tags\.[^.]+$/.test(here))) out.push({ path: here, ref: child });
        else if (typeof child === "object") out.push(...valueImages(child, here));
    }
    return out;
}

const onMirror = (ref: string, registry: string) => ref.startsWith(`${registry.replace(/\/+$/, "")}/`);

/** A release's values name images from the site's mirror only. */
export function checkReleaseImages(props: Record<string, unknown>, report: Report, cfg: MirrorConfig): void {
    if (!cfg.registry) return;
    for (const { path, ref } of valueImages(props.values)) {
        if (!onMirror(ref, cfg.registry)) report(`${chartOf(props)}: values.${path} is ${ref}, not from the site's mirror ${cfg.registry}.`);
    }
}

/** A workload's containers pull from the site's mirror only. */
export function checkWorkloadImages(props: Record<string, unknown>, report: Report, cfg: MirrorConfig): void {
    if (!cfg.registry) return;
    const spec = (get(props, "spec.jobTemplate.spec.template.spec") ?? get(props, "spec.template.spec") ?? get(props, "spec")) as { containers?: unknown[]; initContainers?: unknown[] } | undefined;
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])] as { name?: string; image?: unknown }[]) {
        if (typeof c?.image === "string" && !onMirror(c.image, cfg.registry)) report(`container "${c.name}" runs ${c.image}, not from the site's mirror ${cfg.registry}.`);
    }
}

/** kubeadm pulls the control plane images from the site's mirror. */
export function checkKubeadmImages(props: Record<string, unknown>, report: Report, cfg: MirrorConfig): void {
    if (!cfg.registry) return;
    const files = props.files as Record<string, unknown> | undefined;
    const cluster = kubeadmDocs(files?.[INIT_TEMPLATE]).find((d) => d.kind === "ClusterConfiguration");
    if (cluster && cluster.imageRepository !== cfg.registry.replace(/\/+$/, "")) {
        report(`kubeadm pulls the control plane images from ${cluster.imageRepository ?? "registry.k8s.io"}, not from the site's mirror ${cfg.registry} (imageRepository).`);
    }
}

// ---- data --------------------------------------------------------------------------------------------------

export function checkStatefulProtected(type: string, props: Record<string, unknown>, protect: boolean, report: Report): void {
    if (type === RELEASE && STATEFUL_CHARTS.includes(chartOf(props)) && !protect) {
        report(`release "${chartOf(props)}" holds the site's data; set protect: true so a destroy cannot delete it.`);
    }
    if (type === STORAGE_CLASS && props.reclaimPolicy === "Retain" && !protect) {
        report(`StorageClass ${String(get(props, "metadata.name"))} retains volumes; protect it so its data outlives a destroy.`);
    }
}

// ---- control plane (whole stack) ---------------------------------------------------------------------------

export interface StackResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

// kubeadm documents are read loosely: a policy inspects a few fields of whatever shape the file has.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KubeadmDoc = Record<string, any>;

function kubeadmDocs(text: unknown): KubeadmDoc[] {
    if (typeof text !== "string") return [];
    return parseAllDocuments(text).map((d) => d.toJSON() as KubeadmDoc);
}

/**
 * Masters, leader election and certificate coverage, from the kubeadm files the control planes' steps carry. A stack
 * can hold several control planes (the site's and a tenant's): each init step is judged with the joins that join its
 * endpoint.
 */
export function checkControlPlane(resources: readonly StackResource[], report: (message: string, urn?: string) => void): void {
    const steps = resources.filter((r) => r.type === REMOTE_COMMAND);
    const fileOf = (s: StackResource, path: string) => (s.props.files as Record<string, unknown> | undefined)?.[path];
    const joins = steps.map((s) => kubeadmDocs(fileOf(s, JOIN_TEMPLATE)).find((d) => d.kind === "JoinConfiguration")).filter((j): j is KubeadmDoc => j !== undefined);
    for (const init of steps.filter((s) => typeof get(s.props, "files") === "object" && fileOf(s, INIT_TEMPLATE) !== undefined)) {
        const docs = kubeadmDocs(fileOf(init, INIT_TEMPLATE));
        const cluster = docs.find((d) => d.kind === "ClusterConfiguration");
        const first = docs.find((d) => d.kind === "InitConfiguration");
        if (!cluster || !first) continue;
        const masters = [first.localAPIEndpoint?.advertiseAddress];
        for (const join of joins) {
            if (join.controlPlane && join.discovery?.bootstrapToken?.apiServerEndpoint === cluster.controlPlaneEndpoint) masters.push(join.controlPlane.localAPIEndpoint?.advertiseAddress);
        }
        if (masters.length < 3 || masters.length % 2 === 0) report(`the control plane has ${masters.length} master(s); prod needs an odd number, 3 or more, for etcd quorum.`);
        for (const component of ["scheduler", "controllerManager"]) {
            const args = (cluster[component]?.extraArgs ?? []) as { name: string; value: string }[];
            if (args.find((a) => a.name === "leader-elect")?.value !== "true") report(`${component} runs without --leader-elect=true; with several masters two would act at once.`);
        }
        const sans: string[] = cluster.apiServer?.certSANs ?? [];
        const endpointHost = String(cluster.controlPlaneEndpoint ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
        for (const host of [endpointHost, ...masters]) {
            if (host && !sans.includes(host)) report(`the apiserver certificates do not cover ${host}; clients reaching it would fail TLS verification.`);
        }
    }
}

// ---- the pack's policy list --------------------------------------------------------------------------------

type Props = Record<string, unknown>;

export interface RawTools {
    /** The inputs behind the policy SDK's proxies: secrets as `Secret`, unknowns as sentinel strings. */
    unwrap: (props: Props) => unknown;
    /** The plaintext of a `Secret`, or undefined for anything else. */
    secretValue: (v: unknown) => unknown;
    isUnknown: (v: unknown) => boolean;
}

/**
 * What a policy can judge: the inputs with secrets opened and values unknown at preview left out. Reading the
 * SDK's proxies directly would abort the whole policy at the first unknown value.
 */
export function knownView(raw: unknown, tools: Pick<RawTools, "secretValue" | "isUnknown">): unknown {
    const secret = tools.secretValue(raw);
    if (secret !== undefined) return knownView(secret, tools);
    if (tools.isUnknown(raw)) return undefined;
    if (Array.isArray(raw)) return raw.map((v) => knownView(v, tools)).filter((v) => v !== undefined);
    if (raw && typeof raw === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(raw)) {
            const kv = knownView(v, tools);
            if (kv !== undefined) out[k] = kv;
        }
        return out;
    }
    return raw;
}

export function policies(tools: RawTools): (ResourceValidationPolicy | StackValidationPolicy)[] {
    const view = (props: Props) => knownView(tools.unwrap(props), tools) as Props;
    const onStack = (check: (resources: StackResource[], r: Report) => void) => (args: { resources: { type: string; name: string; props: Props }[] }, report: Report) =>
        check(args.resources.map((r) => ({ type: r.type, name: r.name, props: view(r.props) })), report);
    const onRelease = (check: (p: Props, r: Report) => void) => (args: { type: string; props: Props }, report: Report) => {
        if (args.type === RELEASE) check(view(args.props), report);
    };
    return [
        {
            name: "control-plane-ha",
            description: "An odd number (3 or more) of masters, leader election on, the API endpoint in every certificate.",
            validateStack: onStack(checkControlPlane),
        },
        { name: "galera-quorum", description: "Galera with at least 3 servers and a disruption budget that keeps quorum.", validateResource: onRelease(checkGalera) },
        { name: "rabbitmq-quorum", description: "RabbitMQ with at least 3 brokers.", validateResource: onRelease(checkRabbitMQ) },
        { name: "openstack-api-ha", description: "OpenStack APIs with at least 2 replicas and a disruption budget.", validateResource: onRelease(checkApiHA) },
        {
            name: "releases-pinned",
            description: "Every Helm release pinned to an exact version from an allowed source.",
            configSchema: { properties: { allowedRepositories: { type: "array", items: { type: "string" } }, allowedChartDirectories: { type: "array", items: { type: "string" } } } },
            validateResource: (args, report) => {
                if (args.type === RELEASE) checkPinned(view(args.props), report, args.getConfig<PolicyConfig>());
            },
        },
        { name: "hook-charts-skip-wait", description: "Charts with hook-driven setup Jobs skip Helm's wait.", validateResource: onRelease(checkHooksSkipWait) },
        { name: "no-chart-default-credentials", description: "No credential left at a chart's literal default.", validateResource: onRelease(checkNoDefaultCredentials) },
        {
            name: "privileged-only-where-needed",
            description: "Privileged pods only in Open vSwitch, libvirt, nova-compute and the other host-level charts, and the CSI node plugins.",
            validateResource: (args, report) => {
                if (args.type === RELEASE) checkPrivileged(view(args.props), report);
                else if (/^kubernetes:(apps|core|batch)\//.test(args.type)) checkWorkloadPrivileged(view(args.props), report, args.type);
            },
        },
        {
            name: "no-world-open-admin-ports",
            description: "No security group rule opens SSH or the Kubernetes API to the whole Internet.",
            validateResource: (args, report) => {
                if (args.type === SECGROUP_RULE) checkWorldOpen(view(args.props), report);
            },
        },
        {
            name: "images-from-mirror",
            description: "With a site mirror configured, every release value, workload and kubeadm control plane names images from it only.",
            configSchema: { properties: { registry: { type: "string" } } },
            validateResource: (args, report) => {
                const cfg = args.getConfig<MirrorConfig>();
                if (args.type === RELEASE) checkReleaseImages(view(args.props), report, cfg);
                else if (/^kubernetes:(apps|core|batch)\//.test(args.type)) checkWorkloadImages(view(args.props), report, cfg);
                else if (args.type === REMOTE_COMMAND) checkKubeadmImages(view(args.props), report, cfg);
            },
        },
        {
            name: "workload-priority",
            description: "Every OpenStack workload has one of the stack's priority classes, above anything tenant or add-on pods can be given.",
            validateStack: onStack(checkPriority),
        },
        {
            name: "openstack-api-autoscaled",
            description: "Every OpenStack API Deployment has an autoscaling/v2 HPA (min 2), and its release renders no replica count to fight it.",
            validateStack: onStack(checkAutoscaled),
        },
        { name: "data-layer-guaranteed", description: "Galera and RabbitMQ run in the Guaranteed QoS class.", validateResource: onRelease(checkGuaranteed) },
        {
            name: "stateful-protected",
            description: "Releases and StorageClasses that hold data are protected from deletion.",
            validateResource: (args, report) => checkStatefulProtected(args.type, view(args.props), args.opts.protect, report),
        },
    ];
}
