// What the OpenStack APIs hold for a tenant cluster, read as the lab's admin, and the check that it is what the
// stack declares: the address plan, the security rules and the load balancer plan of components/tenant.
import { strict as assert } from "assert";
import { tenantAddressPlan } from "../../../components/tenant/addresses";
import { loadBalancerPlan, securityGroupRules, SECURITY_GROUPS } from "../../../components/tenant/infrastructure/plan";
import type { TenantClusterConfig } from "../../../stacks/config/schema";
import { NOVA_2_64, type Cloud } from "./cloud";

export interface TenantView {
    network: { id: string; name: string };
    subnet: { id: string; cidr: string; gateway: string; pools: { start: string; end: string }[]; dns: string[] };
    router: { externalNetworkId: string; interfaceSubnets: string[] };
    /** group name -> "protocol:min-max:remote" per ingress rule */
    rules: Record<string, string[]>;
    ruleIds: Record<string, { id: string; text: string }[]>;
    /** port name -> fixed addresses, security group names, status, vif type */
    ports: Record<string, { id: string; ips: string[]; groups: string[]; status: string; vifType: string }>;
    /** server name -> host, status, port id */
    servers: Record<string, { id: string; host: string; status: string; ports: string[] }>;
    serverGroups: Record<string, { policy: string; members: string[] }>;
    loadBalancer?: { id: string; vip: string; vipSubnetId: string; vipPortIps: string[]; vipPortProject: string; status: string };
    listener?: { port: number; allowedCidrs: string[]; timeoutClientData: number };
    pool?: { algorithm: string; monitorId: string | null };
    monitor?: { id: string; type: string; delay: number; timeout: number; maxRetries: number };
    members: string[];
    /** fixed address each floating IP points at */
    floatingIps: string[];
}

/** Everything of the tenant cluster `t` in project `projectId`, looked up by the names OSK gives. */
export async function tenantView(admin: Cloud, projectId: string, t: TenantClusterConfig): Promise<TenantView> {
    const q = `project_id=${projectId}`;
    const network = (await admin.get("network", `/networks?${q}&name=${t.name}`)).networks[0];
    assert.ok(network, `network ${t.name} exists`);
    const subnet = (await admin.get("network", `/subnets?${q}&network_id=${network.id}`)).subnets[0];
    const router = (await admin.get("network", `/routers?${q}&name=${t.name}`)).routers[0];
    const routerPorts = router ? (await admin.get("network", `/ports?device_id=${router.id}&device_owner=network:router_interface`)).ports : [];
    const groups = (await admin.get("network", `/security-groups?${q}`)).security_groups.filter((g: { name: string }) => g.name.startsWith(`${t.name}-`));
    const groupName = new Map<string, string>(groups.map((g: { id: string; name: string }) => [g.id, g.name.slice(t.name.length + 1)]));
    const rules: Record<string, string[]> = {};
    const ruleIds: Record<string, { id: string; text: string }[]> = {};
    for (const g of groups) {
        const role = groupName.get(g.id)!;
        const list = (await admin.get("network", `/security-group-rules?security_group_id=${g.id}&direction=ingress`)).security_group_rules.map((r: any) => ({
            id: r.id as string,
            text: `${r.protocol}:${r.port_range_min ?? ""}-${r.port_range_max ?? ""}:${r.remote_ip_prefix ?? `group:${groupName.get(r.remote_group_id) ?? r.remote_group_id}`}`,
        }));
        ruleIds[role] = list;
        rules[role] = list.map((r: { text: string }) => r.text).sort();
    }
    const ports: TenantView["ports"] = {};
    for (const p of (await admin.get("network", `/ports?${q}&network_id=${network.id}`)).ports) {
        if (!p.name.startsWith(`${t.name}-`)) continue;
        ports[p.name] = { id: p.id, ips: p.fixed_ips.map((f: { ip_address: string }) => f.ip_address), groups: p.security_groups.map((id: string) => groupName.get(id) ?? id).sort(), status: p.status, vifType: p["binding:vif_type"] };
    }
    const servers: TenantView["servers"] = {};
    for (const s of (await admin.get("compute", `/servers/detail?all_tenants=1&project_id=${projectId}`, NOVA_2_64)).servers) {
        const interfaces = (await admin.get("compute", `/servers/${s.id}/os-interface`)).interfaceAttachments.map((i: { port_id: string }) => i.port_id);
        servers[s.name] = { id: s.id, host: s["OS-EXT-SRV-ATTR:host"], status: s.status, ports: interfaces };
    }
    const nameOf = new Map(Object.entries(servers).map(([name, s]) => [s.id, name]));
    const serverGroups: TenantView["serverGroups"] = {};
    for (const g of (await admin.get("compute", "/os-server-groups?all_projects=1", NOVA_2_64)).server_groups) {
        if (g.project_id !== projectId) continue;
        serverGroups[g.name] = { policy: g.policy, members: g.members.map((id: string) => nameOf.get(id) ?? id).sort() };
    }
    const view: TenantView = {
        network: { id: network.id, name: network.name },
        subnet: { id: subnet.id, cidr: subnet.cidr, gateway: subnet.gateway_ip, pools: subnet.allocation_pools, dns: subnet.dns_nameservers },
        router: { externalNetworkId: router?.external_gateway_info?.network_id ?? "", interfaceSubnets: routerPorts.flatMap((p: any) => p.fixed_ips.map((f: { subnet_id: string }) => f.subnet_id)) },
        rules,
        ruleIds,
        ports,
        servers,
        serverGroups,
        members: [],
        floatingIps: (await admin.get("network", `/floatingips?${q}`)).floatingips.map((f: { fixed_ip_address: string | null }) => f.fixed_ip_address ?? "unassociated").sort(),
    };
    const lb = (await admin.get("load-balancer", `/lbaas/loadbalancers?${q}&name=${t.name}-api`)).loadbalancers[0];
    if (lb) {
        const vipPort = (await admin.get("network", `/ports/${lb.vip_port_id}`)).port;
        view.loadBalancer = { id: lb.id, vip: lb.vip_address, vipSubnetId: lb.vip_subnet_id, vipPortIps: vipPort.fixed_ips.map((f: { ip_address: string }) => f.ip_address), vipPortProject: vipPort.project_id, status: lb.provisioning_status };
        const listener = (await admin.get("load-balancer", `/lbaas/listeners?loadbalancer_id=${lb.id}`)).listeners[0];
        if (listener) view.listener = { port: listener.protocol_port, allowedCidrs: [...listener.allowed_cidrs].sort(), timeoutClientData: listener.timeout_client_data };
        const pool = (await admin.get("load-balancer", `/lbaas/pools?loadbalancer_id=${lb.id}`)).pools[0];
        if (pool) {
            view.pool = { algorithm: pool.lb_algorithm, monitorId: pool.healthmonitor_id };
            view.members = (await admin.get("load-balancer", `/lbaas/pools/${pool.id}/members`)).members.map((m: { address: string; protocol_port: number }) => `${m.address}:${m.protocol_port}`).sort();
            if (pool.healthmonitor_id) {
                const m = (await admin.get("load-balancer", `/lbaas/healthmonitors/${pool.healthmonitor_id}`)).healthmonitor;
                view.monitor = { id: m.id, type: m.type, delay: m.delay, timeout: m.timeout, maxRetries: m.max_retries };
            }
        }
    }
    return view;
}

/** Asserts that the APIs hold exactly what `t` declares (every check names what differed). */
export function assertMatchesPlan(v: TenantView, t: TenantClusterConfig, externalNetworkId: string): void {
    const plan = tenantAddressPlan(t);
    const rules = securityGroupRules(t);
    const lb = loadBalancerPlan(t, plan);
    assert.equal(v.subnet.cidr, t.network.nodes);
    assert.equal(v.subnet.gateway, plan.gateway);
    assert.deepEqual(v.subnet.pools, [plan.allocationPool]);
    assert.deepEqual(v.subnet.dns, t.network.dnsNameservers);
    assert.equal(v.router.externalNetworkId, externalNetworkId, "the router's gateway is the external network");
    assert.deepEqual(v.router.interfaceSubnets, [v.subnet.id], "the router has an interface on the tenant subnet");
    for (const role of SECURITY_GROUPS) {
        const want = rules[role].map((r) => `${r.protocol}:${r.portRangeMin ?? ""}-${r.portRangeMax ?? ""}:${"cidr" in r.remote ? r.remote.cidr : `group:${r.remote.group}`}`).sort();
        assert.deepEqual(v.rules[role] ?? [], want, `ingress rules of ${t.name}-${role}`);
    }
    const nodes = [...plan.masters.map((n) => ({ ...n, groups: ["api", "nodes", "ssh"] })), ...plan.workers.map((n) => ({ ...n, groups: ["nodes", "ssh"] }))];
    assert.deepEqual(Object.keys(v.servers).sort(), nodes.map((n) => n.name).sort(), "one instance per node, no other");
    for (const n of nodes) {
        const p = v.ports[n.name];
        assert.ok(p, `port ${n.name}`);
        assert.deepEqual(p.ips, [n.address], `${n.name}'s fixed address`);
        assert.deepEqual(p.groups, n.groups, `${n.name}'s security groups`);
        assert.equal(p.status, "ACTIVE", `${n.name}'s port is bound`);
        assert.equal(v.servers[n.name].status, "ACTIVE", `${n.name} is ACTIVE`);
        assert.deepEqual(v.servers[n.name].ports, [p.id], `${n.name} sits on its own port`);
    }
    const masterHosts = plan.masters.map((m) => v.servers[m.name].host);
    assert.equal(new Set(masterHosts).size, plan.masters.length, `the masters are on ${plan.masters.length} different hosts: ${masterHosts.join(", ")}`);
    assert.deepEqual(v.serverGroups[`${t.name}-masters`], { policy: "anti-affinity", members: plan.masters.map((m) => m.name).sort() });
    if (plan.workers.length > 0) assert.deepEqual(v.serverGroups[`${t.name}-workers`], { policy: "soft-anti-affinity", members: plan.workers.map((m) => m.name).sort() });
    assert.ok(v.loadBalancer, "the API load balancer exists");
    assert.equal(v.loadBalancer.status, "ACTIVE");
    assert.equal(v.loadBalancer.vip, plan.apiVip);
    assert.equal(v.loadBalancer.vipSubnetId, v.subnet.id, "the VIP is on the tenant subnet");
    assert.deepEqual(v.loadBalancer.vipPortIps, [plan.apiVip], "the VIP is a real Neutron port at the planned address");
    assert.deepEqual(v.listener, { port: lb.listener.port, allowedCidrs: [...lb.listener.allowedCidrs].sort(), timeoutClientData: lb.listener.timeoutClientData });
    assert.equal(v.pool?.algorithm, lb.pool.lbMethod);
    assert.equal(v.pool?.monitorId, v.monitor?.id, "the monitor is on the pool");
    assert.deepEqual({ ...v.monitor, id: undefined }, { id: undefined, type: lb.monitor.type, delay: lb.monitor.delay, timeout: lb.monitor.timeout, maxRetries: lb.monitor.maxRetries });
    assert.deepEqual(v.members, lb.members.map((m) => `${m.address}:${m.port}`).sort(), "the members are the masters");
    const fips = t.floatingIps ? [...nodes.map((n) => n.address), plan.apiVip].sort() : [];
    assert.deepEqual(v.floatingIps, fips, "a floating IP per node and on the VIP when configured, none otherwise");
}
