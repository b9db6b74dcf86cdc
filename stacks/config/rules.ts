// Cross-field rules: checks that need more than one field, run on whatever sections parsed cleanly.
import { MIN_NODE_NETWORK_SIZE, workerCapacity } from "../../components/tenant/addresses";
import { infrastructureProblems } from "../../components/tenant/infrastructure/plan";
import { kubeadmProblems } from "../../components/cluster/kubeadm";
import { addressAt, networkContains, networkSize, networksOverlap, parseNetwork, type Network } from "../../components/net/cidr";
import { ROLE_LABELS, type Problem } from "./model";
import { formatPath } from "./paths";
import { chartsToDeploy } from "../../components/charts/catalog";
import {
    type ChartsConfig,
    type ControlPlaneConfig,
    type NodeRolesConfig,
    type OpenStackConfig,
    type PlatformConfig,
    type ServiceName,
    type Site,
    type TenantConfig,
    type WorkloadsConfig,
} from "./schema";
import { autoscalingEnabled, workloadProblems } from "../../components/charts/workloads";
import { CHART_WORKLOADS } from "../workloads";

export interface ParsedSections {
    site?: Site;
    controlPlane?: ControlPlaneConfig;
    nodeRoles?: NodeRolesConfig;
    charts?: ChartsConfig;
    platform?: PlatformConfig;
    openstack?: OpenStackConfig;
    tenant?: TenantConfig;
    workloads?: WorkloadsConfig;
    /** Which secret keys were given (already checked to be encrypted). */
    secretsPresent: ReadonlySet<string>;
}

/** Kubernetes minors OSK renders kubeadm configuration for (kubeadm v1beta4). */
export const SUPPORTED_K8S_MINORS = { min: 31, max: 35 } as const;

/** What each service needs deployed beside it. */
export const SERVICE_REQUIRES: Readonly<Record<ServiceName, readonly ServiceName[]>> = {
    keystone: [],
    glance: ["keystone"],
    placement: ["keystone"],
    nova: ["keystone", "placement", "glance", "neutron"],
    neutron: ["keystone", "nova"],
    cinder: ["keystone"],
    horizon: ["keystone"],
    heat: ["keystone"],
    barbican: ["keystone"],
    octavia: ["keystone", "neutron", "nova", "glance", "barbican"],
    manila: ["keystone", "neutron"],
};

/** Services a tenant cluster on this site's own OpenStack relies on. */
export const TENANT_NEEDS: readonly ServiceName[] = ["keystone", "glance", "nova", "neutron", "cinder", "octavia"];

export function storageBackend(site: Site | undefined, platform: PlatformConfig | undefined): "ceph" | "local" {
    return platform?.storage.backend ?? (site?.profile === "prod" ? "ceph" : "local");
}

export { chartsToDeploy };

const WORLD = ["0.0.0.0/0", "::/0"];

function tryNetwork(text: string): Network | undefined {
    try {
        return parseNetwork(text);
    } catch {
        return undefined;
    }
}

function checkNoOverlap(prefix: string, nets: Record<string, string>, out: Problem[]): void {
    const names = Object.keys(nets);
    for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) {
            const a = tryNetwork(nets[names[i]]);
            const b = tryNetwork(nets[names[j]]);
            if (a && b && networksOverlap(a, b)) {
                out.push({
                    path: `${prefix}.${names[j]}`,
                    message: `${b.text} overlaps ${prefix}.${names[i]} (${a.text}); node, pod and service networks must be disjoint`,
                });
            }
        }
    }
}

function checkMinor(path: string, version: string, out: Problem[]): void {
    const minor = Number(version.replace(/^v/, "").split(".")[1]);
    if (minor < SUPPORTED_K8S_MINORS.min || minor > SUPPORTED_K8S_MINORS.max) {
        out.push({ path, message: `Kubernetes ${version} is not supported; allowed: 1.${SUPPORTED_K8S_MINORS.min}.x to 1.${SUPPORTED_K8S_MINORS.max}.x` });
    }
}

function duplicates(values: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const dup = new Set<string>();
    for (const v of values) (seen.has(v) ? dup : seen).add(v);
    return dup;
}

/** Node names of the inventory, or undefined when the control plane section did not parse. */
export function inventory(cp: ControlPlaneConfig | undefined): string[] | undefined {
    if (!cp) return undefined;
    return [...new Set(cp.mode === "kubeadm" ? [...cp.masters, ...cp.workers].map((h) => h.name) : cp.nodes)];
}

function controlPlaneRules(s: ParsedSections, out: Problem[]): void {
    const cp = s.controlPlane;
    if (!cp) return;
    const P = "osk:controlPlane";
    if (cp.mode === "existing") {
        duplicates(cp.nodes).forEach((n) => out.push({ path: `${P}.nodes`, message: `node "${n}" is listed twice` }));
        if (!s.secretsPresent.has("kubeconfig")) {
            out.push({ path: "osk:kubeconfig", message: "is required when controlPlane.mode is existing; set it with: pulumi config set --secret osk:kubeconfig < kubeconfig" });
        }
        return;
    }
    checkMinor(`${P}.kubernetesVersion`, cp.kubernetesVersion, out);
    for (const p of kubeadmProblems(cp)) out.push({ path: `${P}.${p.key}`, message: p.message });
    if (!s.secretsPresent.has("sshPrivateKey")) {
        out.push({ path: "osk:sshPrivateKey", message: "is required when controlPlane.mode is kubeadm; set it with: pulumi config set --secret osk:sshPrivateKey < id_ed25519" });
    }
    if (s.site?.profile === "prod" && (cp.masters.length < 3 || cp.masters.length % 2 === 0)) {
        out.push({ path: `${P}.masters`, message: `prod needs an odd number of masters, 3 or more, for etcd quorum; got ${cp.masters.length}` });
    }
    checkNoOverlap(`${P}.network`, { nodes: cp.network.nodes, pods: cp.network.pods, services: cp.network.services }, out);

    const hosts = [...cp.masters.map((h, i) => ({ h, path: `${P}.masters[${i}]` })), ...cp.workers.map((h, i) => ({ h, path: `${P}.workers[${i}]` }))];
    const nodeNet = tryNetwork(cp.network.nodes);
    const seenNames = new Set<string>();
    const seenAddrs = new Set<string>();
    for (const { h, path } of hosts) {
        if (seenNames.has(h.name)) {
            out.push({ path: `${path}.name`, message: `node name "${h.name}" is already used by another host; names must be unique` });
        }
        if (seenAddrs.has(h.address)) {
            out.push({ path: `${path}.address`, message: `address ${h.address} is already used by another host; addresses must be unique` });
        }
        seenNames.add(h.name);
        seenAddrs.add(h.address);
        if (nodeNet && !networkContains(nodeNet, h.address)) {
            out.push({ path: `${path}.address`, message: `${h.address} is outside the node network ${nodeNet.text}` });
        }
    }
    if (cp.endpoint.type === "vip") {
        if (nodeNet && !networkContains(nodeNet, cp.endpoint.address)) {
            out.push({ path: `${P}.endpoint.address`, message: `VIP ${cp.endpoint.address} is outside the node network ${nodeNet.text}; allowed: a free address inside it` });
        }
        const owner = hosts.find((x) => x.h.address === cp.endpoint.address);
        if (owner) {
            out.push({ path: `${P}.endpoint.address`, message: `VIP ${cp.endpoint.address} is the address of node "${owner.h.name}"; allowed: a free address no node uses` });
        }
        if (nodeNet && nodeNet.family === "ipv4" && nodeNet.prefix < 31 && [addressAt(nodeNet, 0), addressAt(nodeNet, -1)].includes(cp.endpoint.address)) {
            out.push({ path: `${P}.endpoint.address`, message: `VIP ${cp.endpoint.address} is the network or broadcast address of ${nodeNet.text}` });
        }
    }
}

function nodeRoleRules(s: ParsedSections, out: Problem[]): void {
    const roles = s.nodeRoles;
    if (!roles) return;
    const P = "osk:nodeRoles";
    const nodes = inventory(s.controlPlane);
    const lists: [string, readonly string[]][] = [
        ["controlPlane", roles.controlPlane],
        ["compute", roles.compute],
        ["openvswitch", roles.openvswitch ?? []],
    ];
    for (const [role, names] of lists) {
        duplicates(names).forEach((n) => out.push({ path: `${P}.${role}`, message: `node "${n}" is listed twice` }));
        if (!nodes) continue;
        names.forEach((n, i) => {
            if (!nodes.includes(n)) {
                out.push({ path: `${P}.${role}[${i}]`, message: `node "${n}" is not in the inventory; allowed: ${nodes.join(", ")}` });
            }
        });
    }
    for (const [node, labels] of Object.entries(roles.custom)) {
        if (nodes && !nodes.includes(node)) {
            out.push({ path: formatPath("nodeRoles", ["custom", node]), message: `node "${node}" is not in the inventory; allowed: ${nodes.join(", ")}` });
        }
        for (const key of Object.keys(labels)) {
            if ((Object.values(ROLE_LABELS) as string[]).includes(key)) {
                out.push({ path: formatPath("nodeRoles", ["custom", node, key]), message: `"${key}" is a role label; set it through nodeRoles.${roleOf(key)} instead` });
            }
        }
    }
    if (roles.openvswitch) {
        const ovs = roles.openvswitch;
        const missing = [...roles.controlPlane, ...roles.compute].filter((n) => !ovs.includes(n));
        if (missing.length > 0) {
            out.push({ path: `${P}.openvswitch`, message: `must include every control-plane and compute node (Neutron agents run there); missing: ${[...new Set(missing)].join(", ")}` });
        }
    }
    if (s.site?.profile === "prod" && roles.controlPlane.length < 3) {
        out.push({ path: `${P}.controlPlane`, message: `prod needs at least 3 control-plane nodes (Galera and RabbitMQ quorum); got ${roles.controlPlane.length}` });
    }
    if (s.openstack?.services.includes("nova") && roles.compute.length === 0) {
        out.push({ path: `${P}.compute`, message: "nova is enabled but no node carries the compute role; allowed: one or more inventory nodes" });
    }
}

function roleOf(label: string): string {
    return Object.entries(ROLE_LABELS).find(([, v]) => v === label)?.[0] ?? "";
}

function openstackRules(s: ParsedSections, out: Problem[]): void {
    const os = s.openstack;
    if (!os) return;
    const P = "osk:openstack.services";
    duplicates(os.services).forEach((n) => out.push({ path: P, message: `service "${n}" is listed twice` }));
    for (const svc of os.services) {
        const missing = SERVICE_REQUIRES[svc].filter((dep) => !os.services.includes(dep));
        if (missing.length > 0) {
            out.push({ path: P, message: `${svc} needs ${missing.join(", ")} enabled too` });
        }
    }
    if (!os.services.includes("keystone")) {
        out.push({ path: P, message: "keystone is required: every other service and the tenant side authenticate against it" });
    }
}

function chartRules(s: ParsedSections, out: Problem[]): void {
    if (!s.charts || !s.openstack) return;
    const backend = storageBackend(s.site, s.platform);
    for (const chart of chartsToDeploy(backend, s.openstack.services)) {
        if (!(chart in s.charts.versions)) {
            out.push({ path: `osk:charts.versions.${chart}`, message: `is required: chart "${chart}" is deployed by this stack and needs an exact pinned version` });
        }
    }
}

function platformRules(s: ParsedSections, out: Problem[]): void {
    if (!s.platform) return;
    const nodes = inventory(s.controlPlane);
    const backend = storageBackend(s.site, s.platform);
    const devices = s.platform.storage.cephDevices;
    for (const node of Object.keys(devices)) {
        if (nodes && !nodes.includes(node)) {
            out.push({ path: formatPath("platform", ["storage", "cephDevices", node]), message: `node "${node}" is not in the inventory; allowed: ${nodes.join(", ")}` });
        }
    }
    if (backend === "local" && s.nodeRoles && s.nodeRoles.controlPlane.length > 1) {
        out.push({ path: "osk:platform.storage.backend", message: `local volumes live on one node, but ${s.nodeRoles.controlPlane.length} nodes carry the control-plane role; allowed: ceph, or a single control-plane node` });
    }
    if (backend !== "ceph" && s.openstack?.services.includes("cinder")) {
        out.push({ path: "osk:platform.storage.backend", message: "cinder is enabled, and OSK backs Cinder volumes with Ceph RBD; allowed: ceph" });
    }
    if (backend === "ceph" && s.site?.profile === "prod" && Object.values(devices).filter((d) => d.length > 0).length < 3) {
        out.push({ path: "osk:platform.storage.cephDevices", message: "prod Ceph needs OSD devices on at least 3 nodes (3 replicas on distinct hosts)" });
    }
}

function tenantRules(s: ParsedSections, out: Problem[]): void {
    const t = s.tenant;
    if (!t || !t.enabled) return;
    const P = "osk:tenant";
    checkMinor(`${P}.kubernetesVersion`, t.kubernetesVersion, out);
    for (const p of kubeadmProblems(t.kubeadm)) out.push({ path: `${P}.kubeadm.${p.key}`, message: p.message });
    checkNoOverlap(`${P}.network`, { nodes: t.network.nodes, pods: t.network.pods, services: t.network.services }, out);
    if (s.site?.profile === "prod" && (t.masters.count < 3 || t.masters.count % 2 === 0)) {
        out.push({ path: `${P}.masters.count`, message: `prod needs an odd number of tenant masters, 3 or more; got ${t.masters.count}` });
    }
    if (!t.allowWorldOpen) {
        for (const list of ["apiAllowedCidrs", "sshAllowedCidrs"] as const) {
            t[list].forEach((c, i) => {
                const n = tryNetwork(c);
                if (n && WORLD.includes(n.text)) {
                    out.push({ path: `${P}.${list}[${i}]`, message: `${c} opens the port to the whole Internet; allowed: specific networks, or set tenant.allowWorldOpen: true deliberately` });
                }
            });
        }
    }
    const nodesNet = tryNetwork(t.network.nodes);
    if (nodesNet && networkSize(nodesNet) < MIN_NODE_NETWORK_SIZE) {
        out.push({ path: `${P}.network.nodes`, message: `${t.network.nodes} is too small: the tenant network needs at least ${MIN_NODE_NETWORK_SIZE} addresses (a /26 in IPv4)` });
    } else if (nodesNet) {
        const capacity = workerCapacity(t.network.nodes);
        if (t.workers.count > capacity) {
            out.push({ path: `${P}.workers.count`, message: `${t.network.nodes} holds at most ${capacity} workers at fixed addresses (its lower half; the upper half is Neutron's pool); got ${t.workers.count}. Allowed: a larger network.nodes or fewer workers` });
        }
    }
    // One problem per key: kubeadm's own rule may have reported the missing key already.
    if (t.infrastructure && !s.secretsPresent.has("sshPrivateKey") && !out.some((p) => p.path === "osk:sshPrivateKey")) {
        out.push({ path: "osk:sshPrivateKey", message: "is required when tenant.infrastructure is true (the private half of tenant.keyPair); set it with: pulumi config set --secret osk:sshPrivateKey < id_ed25519" });
    }
    if (!t.addons.cinderCsi && t.storage.cinderClasses.length > 0) {
        out.push({ path: `${P}.storage.cinderClasses`, message: "Cinder StorageClasses need the Cinder CSI driver; allowed: tenant.addons.cinderCsi: true, or no cinderClasses" });
    }
    if (t.infrastructure && [t.network.nodes, ...t.apiAllowedCidrs].every((c) => tryNetwork(c))) {
        for (const p of infrastructureProblems(t)) out.push({ path: `${P}.${p.key}`, message: p.message });
    }
    const classes = t.storage.cinderClasses;
    duplicates(classes.map((c) => c.name)).forEach((n) => out.push({ path: `${P}.storage.cinderClasses`, message: `StorageClass "${n}" is defined twice` }));
    if (classes.filter((c) => c.default).length > 1) {
        out.push({ path: `${P}.storage.cinderClasses`, message: "more than one StorageClass is marked default; allowed: at most one" });
    }
    const snapshots = t.storage.snapshotClasses;
    duplicates(snapshots.map((c) => c.name)).forEach((n) => out.push({ path: `${P}.storage.snapshotClasses`, message: `VolumeSnapshotClass "${n}" is defined twice` }));
    if (snapshots.filter((c) => c.default).length > 1) {
        out.push({ path: `${P}.storage.snapshotClasses`, message: "more than one VolumeSnapshotClass is marked default; allowed: at most one" });
    }
    if (!t.addons.cinderCsi && snapshots.length > 0) {
        out.push({ path: `${P}.storage.snapshotClasses`, message: "Cinder snapshots need the Cinder CSI driver (its snapshotter cuts them); allowed: tenant.addons.cinderCsi: true, or no snapshotClasses" });
    }
    if (!t.keystoneAuth.sync.namespaceFormat.includes("%i")) {
        out.push({ path: `${P}.keystoneAuth.sync.namespaceFormat`, message: `"${t.keystoneAuth.sync.namespaceFormat}" lacks %i (the project ID), so two projects could map to one namespace` });
    }
    if (t.cloud.source === "site") {
        const have = s.openstack?.services ?? [];
        const missing = TENANT_NEEDS.filter((svc) => !have.includes(svc));
        if (s.openstack && missing.length > 0) {
            out.push({ path: `${P}.cloud.source`, message: `a tenant cluster on this site's OpenStack needs ${missing.join(", ")} in openstack.services` });
        }
        if (t.storage.manila?.enabled && s.openstack && !have.includes("manila")) {
            out.push({ path: `${P}.storage.manila.enabled`, message: "Manila shares need manila in openstack.services" });
        }
    } else if (!s.secretsPresent.has("tenantCloudPassword")) {
        out.push({ path: "osk:tenantCloudPassword", message: "is required when tenant.cloud.source is existing; set it with: pulumi config set --secret osk:tenantCloudPassword" });
    }
}

/** Runs every cross-field rule on the sections that parsed. */
export function crossFieldProblems(s: ParsedSections): Problem[] {
    const out: Problem[] = [];
    controlPlaneRules(s, out);
    nodeRoleRules(s, out);
    openstackRules(s, out);
    chartRules(s, out);
    platformRules(s, out);
    tenantRules(s, out);
    registryRules(s, out);
    workloadRules(s, out);
    return out;
}

/** Requests within limits, prod's stateful services Guaranteed, and autoscalers that can reach the HA count. */
function workloadRules(s: ParsedSections, out: Problem[]): void {
    if (!s.site || !s.workloads) return;
    for (const p of workloadProblems(s.site.profile, s.workloads, CHART_WORKLOADS)) out.push({ path: formatPath("workloads", p.path), message: p.message });
    const ha = s.site.profile === "prod" ? Math.min(3, s.nodeRoles?.controlPlane.length ?? 3) : 1;
    if (autoscalingEnabled(s.site.profile, s.workloads) && s.workloads.autoscaling.maxReplicas < ha) {
        out.push({ path: formatPath("workloads", ["autoscaling", "maxReplicas"]), message: `is ${s.workloads.autoscaling.maxReplicas}, below the ${ha} replicas every API keeps for HA (the autoscalers' minimum); allowed: ${ha} or more` });
    }
}

/** A mirror that needs a login has both halves of it: the user in the site section, the password as a secret. */
function registryRules(s: ParsedSections, out: Problem[]): void {
    const registry = s.site?.registry;
    const hasPassword = s.secretsPresent.has("registryPassword");
    if (registry?.username && !hasPassword) {
        out.push({ path: "osk:registryPassword", message: "is required when site.registry.username is set; set it with: pulumi config set --secret osk:registryPassword" });
    }
    if (hasPassword && !registry?.username) {
        out.push({ path: "osk:registryPassword", message: "is set but nothing uses it; allowed only with site.registry.username (the mirror's pull secret)" });
    }
}
