// The deployment graph: which release waits for which. Pure, so the tests assert the exact edges. Edges exist only
// where something truly needs something else up; everything else installs in parallel.
import type { GateTarget } from "../k8s/readiness";
import { CEPH_NAMESPACE, OPENSTACK_NAMESPACE, RABBITMQ_STATEFULSET, ROOK_NAMESPACE, STORAGE_CLASS, type ServiceName, type StorageBackend } from "./catalog";

/** What the plan depends on: which storage, which services, and whether to install one release at a time. */
export interface PlanSettings {
    /** Storage behind StorageClass `general`. */
    readonly storageBackend: StorageBackend;
    /** OpenStack services to deploy (Keystone first). */
    readonly services: readonly ServiceName[];
    /** One release at a time in the upstream guide's order instead of in parallel. @default false */
    readonly serialReleases?: boolean;
}

export interface PlanStep {
    /** Step id: the chart name for releases, `<what>-ready` for gates. */
    id: string;
    kind: "release" | "gate";
    layer: "platform" | "openstack";
    /** Steps that must finish first. */
    after: string[];
    chart?: string;
    releaseName?: string;
    namespace: string;
    targets?: GateTarget[];
}

const GATE_INFRA = "infra-ready";
const GATE_KEYSTONE = "keystone-ready";

/** Why each OpenStack service waits for what it waits for (beyond Keystone, which every service registers in). */
const SERVICE_AFTER: Partial<Record<ServiceName, string[]>> = {
    // The OVS agents run inside the Open vSwitch daemons' namespaces.
    neutron: ["openvswitch"],
    // nova-compute needs libvirt on its node and reports to placement.
    nova: ["placement", "libvirt"],
    // Octavia plugs amphorae into Neutron networks, boots them with Nova and keeps certificates in Barbican.
    octavia: ["neutron", "nova", "barbican"],
};

/** The upstream deployment guide's one-at-a-time order (storage first). */
export const UPSTREAM_ORDER = ["rook-ceph", "rook-ceph-cluster", "ceph-adapter-rook", "local-storage", "rabbitmq", "mariadb", "memcached", "keystone", "heat", "glance", "cinder", "openvswitch", "libvirt", "placement", "nova", "neutron", "horizon", "barbican", "octavia", "manila"];

export function deployPlan(settings: PlanSettings): PlanStep[] {
    const parallel = parallelPlan(settings);
    return settings.serialReleases ? serialize(parallel) : parallel;
}

/** Every release after the one before it, in upstream's order; gates keep their place after what they watch. */
export function serialize(steps: readonly PlanStep[]): PlanStep[] {
    const rank = (s: PlanStep) => {
        const own = UPSTREAM_ORDER.indexOf(s.kind === "gate" ? s.after[s.after.length - 1] : s.id);
        return s.kind === "gate" ? Math.max(...s.after.map((a) => UPSTREAM_ORDER.indexOf(a))) + 0.5 : own;
    };
    const ordered = [...steps].sort((a, b) => rank(a) - rank(b));
    return ordered.map((s, i) => ({ ...s, after: i === 0 ? [] : [...new Set([...(s.kind === "gate" ? s.after : []), ordered[i - 1].id])] }));
}

function parallelPlan(m: PlanSettings): PlanStep[] {
    const steps: PlanStep[] = [];
    const release = (chart: string, layer: PlanStep["layer"], after: string[], namespace = OPENSTACK_NAMESPACE, releaseName?: string) =>
        steps.push({ id: chart, kind: "release", layer, after, chart, namespace, ...(releaseName ? { releaseName } : {}) });

    // Storage first: MariaDB and RabbitMQ claim volumes of the `general` class.
    let storage: string;
    if (m.storageBackend === "ceph") {
        release("rook-ceph", "platform", [], ROOK_NAMESPACE);
        release("rook-ceph-cluster", "platform", ["rook-ceph"], CEPH_NAMESPACE);
        release("ceph-adapter-rook", "platform", ["rook-ceph-cluster"]);
        storage = "ceph-adapter-rook";
    } else {
        // The local-storage chart names its StorageClass after the release.
        release("local-storage", "platform", [], OPENSTACK_NAMESPACE, STORAGE_CLASS);
        storage = "local-storage";
    }
    release("mariadb", "platform", [storage]);
    release("rabbitmq", "platform", [storage]);
    release("memcached", "platform", []);
    release("openvswitch", "platform", []);
    release("libvirt", "platform", ["openvswitch"]);
    steps.push({
        id: GATE_INFRA,
        kind: "gate",
        layer: "platform",
        after: ["mariadb", "rabbitmq", "memcached"],
        namespace: OPENSTACK_NAMESPACE,
        targets: [
            { kind: "StatefulSet", namespace: OPENSTACK_NAMESPACE, name: "mariadb-server" },
            { kind: "StatefulSet", namespace: OPENSTACK_NAMESPACE, name: RABBITMQ_STATEFULSET },
            { kind: "StatefulSet", namespace: OPENSTACK_NAMESPACE, name: "memcached-memcached" },
        ],
    });

    // Keystone's setup Jobs need the database, the broker and the cache up.
    release("keystone", "openstack", [GATE_INFRA]);
    steps.push({
        id: GATE_KEYSTONE,
        kind: "gate",
        layer: "openstack",
        after: ["keystone"],
        namespace: OPENSTACK_NAMESPACE,
        targets: [{ kind: "Deployment", namespace: OPENSTACK_NAMESPACE, name: "keystone-api" }],
    });
    const enabled = new Set(m.services);
    const pending = m.services.filter((s) => s !== "keystone");
    const placed = new Set<string>(["keystone"]);
    // Emit in dependency order so every step's predecessors exist before it.
    while (pending.length > 0) {
        const i = pending.findIndex((s) => (SERVICE_AFTER[s] ?? []).every((d) => placed.has(d) || !enabled.has(d as ServiceName) || !isService(d)));
        if (i < 0) throw new Error(`service dependencies form a cycle: ${pending.join(", ")}`);
        const svc = pending.splice(i, 1)[0];
        const after = [GATE_KEYSTONE, ...(SERVICE_AFTER[svc] ?? []).filter((d) => !isService(d) || enabled.has(d as ServiceName))];
        release(svc, "openstack", after);
        placed.add(svc);
    }
    return steps;
}

function isService(id: string): boolean {
    return !["openvswitch", "libvirt", "mariadb", "rabbitmq", "memcached"].includes(id);
}

/** The plan's edges as `from -> to` strings, sorted: what the tests compare. */
export function planEdges(steps: readonly PlanStep[]): string[] {
    return steps.flatMap((s) => s.after.map((a) => `${a} -> ${s.id}`)).sort();
}
