// What the tenant cluster's OpenStack infrastructure looks like, as plain data: the security rules, each
// instance's cloud-init and the API load balancer. Everything here is known at preview time from the config and
// the address plan, so a review of `pulumi preview` shows every opened port and every allowed network.
import { stringify } from "yaml";
import { parseNetwork, type Family } from "../../net/cidr";
import type { TenantClusterConfig } from "../args";
import type { TenantAddressPlan, TenantNode } from "../addresses";

/** The kube-apiserver's port, on the masters and on the load balancer. */
export const API_PORT = 6443;
const SSH_PORT = 22;

/** The three security groups: every node, the masters' API, SSH to every node. */
export const SECURITY_GROUPS = ["nodes", "api", "ssh"] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUPS)[number];

export type Ethertype = "IPv4" | "IPv6";
/** Neutron protocol names OSK uses ("ipip" is protocol 4, Calico's IP-in-IP). */
export type RuleProtocol = "tcp" | "udp" | "icmp" | "ipv6-icmp" | "ipip";

/** One ingress rule of a security group. Egress stays Neutron's default (open), so nodes reach their mirrors. */
export interface SecurityRuleSpec {
    /** Stable, readable suffix for the resource name, e.g. `api-6443-10-0-0-0-8`; unique across all groups. */
    key: string;
    group: SecurityGroupRole;
    direction: "ingress";
    ethertype: Ethertype;
    protocol: RuleProtocol;
    /** Both set for TCP/UDP rules on some ports; absent for every port (Neutron stores 1-65535 as no range, so a
     * declared full range would read back as drift) and for protocols without ports. */
    portRangeMin?: number;
    portRangeMax?: number;
    /** Either a network (canonical CIDR) or another security group of this cluster (members of that group). */
    remote: { cidr: string } | { group: SecurityGroupRole };
    description: string;
}

export type SecurityRules = Record<SecurityGroupRole, SecurityRuleSpec[]>;

export type RulesInput = Pick<TenantClusterConfig, "network" | "apiAllowedCidrs" | "sshAllowedCidrs" | "allowWorldOpen">;

const ETHERTYPE: Record<Family, Ethertype> = { ipv4: "IPv4", ipv6: "IPv6" };

/** `10.0.0.0/8` -> `10-0-0-0-8`; `2001:db8::/32` -> `2001-db8---32`. Distinct canonical networks give distinct
 * slugs: an IPv4 slug has five numbers and no `--`, an IPv6 one has nine groups or a `--`. */
function cidrSlug(canonical: string): string {
    return canonical.replace(/[.:/]/g, "-");
}

/** The canonical forms of `cidrs`, first occurrence kept: Neutron refuses a rule that exists already. */
function uniqueNetworks(cidrs: readonly string[]): { text: string; family: Family }[] {
    const seen = new Set<string>();
    const out: { text: string; family: Family }[] = [];
    for (const c of cidrs) {
        const n = parseNetwork(c);
        if (seen.has(n.text)) continue;
        seen.add(n.text);
        out.push({ text: n.text, family: n.family });
    }
    return out;
}

/**
 * The ingress rules of the cluster's three security groups.
 * - `nodes` (every instance): all TCP, UDP, ICMP and IP-in-IP from members of the same group, which covers the
 *   kubelet, etcd, BGP, VXLAN (UDP 4789) and NodePorts between nodes, and nothing from outside.
 * - `api` (masters): TCP 6443 from the node subnet, where Octavia's amphorae health-check and forward from, and
 *   from each `apiAllowedCidrs` entry.
 * - `ssh` (every instance): TCP 22 from each `sshAllowedCidrs` entry; no rule at all when the list is empty.
 * Only networks the config names become rules, so a world-open rule exists only when the config lists one (which
 * validation allows only with `allowWorldOpen`); this throws otherwise, as a last guard.
 */
export function securityGroupRules(t: RulesInput): SecurityRules {
    const nodes = parseNetwork(t.network.nodes);
    const nodeEthertype = ETHERTYPE[nodes.family];
    const fromNodes = { group: "nodes" } as const;
    const nodeRules: SecurityRuleSpec[] = [
        { key: "nodes-tcp", group: "nodes", direction: "ingress", ethertype: nodeEthertype, protocol: "tcp", remote: fromNodes, description: "all TCP between cluster nodes" },
        { key: "nodes-udp", group: "nodes", direction: "ingress", ethertype: nodeEthertype, protocol: "udp", remote: fromNodes, description: "all UDP between cluster nodes (VXLAN included)" },
        { key: "nodes-icmp", group: "nodes", direction: "ingress", ethertype: nodeEthertype, protocol: nodes.family === "ipv4" ? "icmp" : "ipv6-icmp", remote: fromNodes, description: "ICMP between cluster nodes" },
        { key: "nodes-ipip", group: "nodes", direction: "ingress", ethertype: nodeEthertype, protocol: "ipip", remote: fromNodes, description: "IP-in-IP between cluster nodes (Calico)" },
    ];

    const portRule = (group: SecurityGroupRole, port: number, why: string) => (n: { text: string; family: Family }): SecurityRuleSpec => ({
        key: `${group}-${port}-${cidrSlug(n.text)}`,
        group,
        direction: "ingress",
        ethertype: ETHERTYPE[n.family],
        protocol: "tcp",
        portRangeMin: port,
        portRangeMax: port,
        remote: { cidr: n.text },
        description: `${why} from ${n.text}`,
    });
    const api = uniqueNetworks([nodes.text, ...t.apiAllowedCidrs]).map(portRule("api", API_PORT, "Kubernetes API"));
    const ssh = uniqueNetworks(t.sshAllowedCidrs).map(portRule("ssh", SSH_PORT, "SSH"));

    const rules: SecurityRules = { nodes: nodeRules, api, ssh };
    const configured = new Set([...t.apiAllowedCidrs, ...t.sshAllowedCidrs].map((c) => parseNetwork(c).text));
    for (const r of [...api, ...ssh]) {
        if (!("cidr" in r.remote) || parseNetwork(r.remote.cidr).prefix !== 0) continue;
        if (!t.allowWorldOpen || !configured.has(r.remote.cidr)) {
            throw new Error(`rule ${r.key} would open port ${r.portRangeMin} to the whole Internet (${r.remote.cidr}) without allowWorldOpen`);
        }
    }
    return rules;
}

/**
 * Problems that validation does not catch yet but the cloud would refuse at apply time; empty when the cluster
 * can be built. Each names the key at fault and what is allowed.
 */
export function infrastructureProblems(t: RulesInput & Pick<TenantClusterConfig, "floatingIps">): { key: string; message: string }[] {
    const problems: { key: string; message: string }[] = [];
    const family = parseNetwork(t.network.nodes).family;
    t.apiAllowedCidrs.forEach((c, i) => {
        // Octavia checks every allowed CIDR against the VIP's IP version and refuses the listener otherwise.
        if (parseNetwork(c).family !== family) {
            problems.push({ key: `apiAllowedCidrs[${i}]`, message: `${c} is not ${family} like network.nodes (${t.network.nodes}); the API load balancer accepts only networks of its VIP's family` });
        }
    });
    if (t.floatingIps && family !== "ipv4") {
        problems.push({ key: "floatingIps", message: `Neutron floating IPs are IPv4 only, and network.nodes is ${t.network.nodes}; allowed: floatingIps false, or an IPv4 network.nodes` });
    }
    return problems;
}

/**
 * An instance's user data. The node name becomes the hostname (the kubelet's node name, and what the cloud
 * controller matches the instance by); the image's packages stay as they are, and nothing secret is ever written
 * here (user data is readable by anyone on the instance through the metadata service). Deterministic: Nova
 * replaces an instance whose user data changes.
 */
export function cloudInit(node: TenantNode): string {
    const config = {
        hostname: node.name,
        preserve_hostname: false,
        manage_etc_hosts: true,
        package_update: false,
        package_upgrade: false,
        // Keys from the Nova key pair only.
        ssh_pwauth: false,
    };
    return `#cloud-config\n${stringify(config)}`;
}

export type LoadBalancerMethod = "ROUND_ROBIN" | "LEAST_CONNECTIONS";

export interface LoadBalancerPlan {
    /** The VIP: the plan's fixed `apiVip`, so certificates and kubeconfigs know it before the LB exists. */
    vipAddress: string;
    listener: {
        protocol: "TCP";
        port: number;
        /** Octavia restricts its own VIP security group to these: `apiAllowedCidrs` plus the node subnet (the
         * kubelets and in-cluster clients reach the API through the VIP). */
        allowedCidrs: string[];
        /** Idle timeouts, milliseconds. Octavia's 50 s default cuts idle `kubectl exec`, `logs -f` and watches. */
        timeoutClientData: number;
        timeoutMemberData: number;
    };
    pool: { protocol: "TCP"; lbMethod: LoadBalancerMethod };
    /** One per master, at its fixed address. */
    members: { name: string; address: string; port: number }[];
    monitor: { type: "TCP"; delay: number; timeout: number; maxRetries: number; maxRetriesDown: number };
}

/** The API load balancer: TCP 6443 on the VIP to every master's 6443, health-checked by TCP connect. */
export function loadBalancerPlan(t: RulesInput, plan: TenantAddressPlan): LoadBalancerPlan {
    const vipFamily = parseNetwork(t.network.nodes).family;
    const allowed = uniqueNetworks([...t.apiAllowedCidrs, t.network.nodes]);
    const foreign = allowed.filter((n) => n.family !== vipFamily);
    if (foreign.length > 0) throw new Error(`the API load balancer's VIP is ${vipFamily}; Octavia refuses allowed CIDRs ${foreign.map((n) => n.text).join(", ")}`);
    return {
        vipAddress: plan.apiVip,
        listener: {
            protocol: "TCP",
            port: API_PORT,
            allowedCidrs: allowed.map((n) => n.text),
            timeoutClientData: 3_600_000,
            timeoutMemberData: 3_600_000,
        },
        // API connections are long-lived watches: new ones go to the master with the fewest, so a master that
        // restarted gets its share back instead of staying idle.
        pool: { protocol: "TCP", lbMethod: "LEAST_CONNECTIONS" },
        members: plan.masters.map((m) => ({ name: m.name, address: m.address, port: API_PORT })),
        // A master out within about 15 s (3 misses, 5 s apart), back after 3 good checks.
        monitor: { type: "TCP", delay: 5, timeout: 3, maxRetries: 3, maxRetriesDown: 3 },
    };
}
