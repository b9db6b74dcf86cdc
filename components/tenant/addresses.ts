// The tenant network's address plan. Every address OSK itself needs (the API load balancer's VIP, each master and
// worker) is fixed and computed from the node network, so the kubeadm configuration, the certificate SANs and the
// security rules are all known at preview time, before any instance exists. The lower half of the network holds
// those fixed addresses; Neutron's DHCP pool is the upper half, where the cloud controller's load balancers and
// anything else Neutron allocates land, so the two can never collide as the cluster grows.
import { addressAt, halves, networkSize, parseNetwork } from "../net/cidr";

/** First host index of the masters and of the workers inside the lower half. */
const VIP_INDEX = 5;
const MASTERS_FROM = 10;
const MAX_MASTERS = 7;
const WORKERS_FROM = MASTERS_FROM + MAX_MASTERS + 3;

export interface TenantNode {
    name: string;
    address: string;
}

export interface TenantAddressPlan {
    /** The subnet's gateway (the router's interface). */
    gateway: string;
    /** The API load balancer's VIP: the cluster's one endpoint. */
    apiVip: string;
    masters: TenantNode[];
    workers: TenantNode[];
    /** Neutron's allocation pool: the upper half of the network, less its last address. */
    allocationPool: { start: string; end: string };
}

/** Smallest node network with room for the VIP and seven masters in its lower half (a /26 in IPv4). */
export const MIN_NODE_NETWORK_SIZE = 64n;

/** How many workers fit the fixed half of a node network (0 when it is smaller than the minimum). */
export function workerCapacity(nodes: string): number {
    const net = parseNetwork(nodes);
    if (networkSize(net) < MIN_NODE_NETWORK_SIZE) return 0;
    const [lower] = halves(net);
    return Math.max(0, Number(networkSize(lower)) - WORKERS_FROM);
}

export interface AddressPlanInput {
    /** Cluster name; prefixes every node name. */
    name: string;
    network: { nodes: string };
    masters: { count: number };
    workers: { count: number };
}

/** The fixed addresses of a tenant cluster. Throws when the node network cannot hold them (validation says so first). */
export function tenantAddressPlan(t: AddressPlanInput): TenantAddressPlan {
    const net = parseNetwork(t.network.nodes);
    if (networkSize(net) < MIN_NODE_NETWORK_SIZE) throw new Error(`${t.network.nodes} is too small; at least ${MIN_NODE_NETWORK_SIZE} addresses`);
    const [, upper] = halves(net);
    if (t.masters.count > MAX_MASTERS) throw new Error(`at most ${MAX_MASTERS} masters; got ${t.masters.count}`);
    const capacity = workerCapacity(t.network.nodes);
    if (t.workers.count > capacity) throw new Error(`${t.network.nodes} holds at most ${capacity} workers; got ${t.workers.count}`);
    const node = (role: string, from: number) => (_: unknown, i: number) => ({ name: `${t.name}-${role}-${i + 1}`, address: addressAt(net, from + i) });
    return {
        gateway: addressAt(net, 1),
        apiVip: addressAt(net, VIP_INDEX),
        masters: Array.from({ length: t.masters.count }, node("master", MASTERS_FROM)),
        workers: Array.from({ length: t.workers.count }, node("worker", WORKERS_FROM)),
        allocationPool: { start: addressAt(upper, 0), end: addressAt(upper, -2) },
    };
}
