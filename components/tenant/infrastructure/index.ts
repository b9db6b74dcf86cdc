import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import type { TenantClusterConfig } from "../args";
import { parseNetwork } from "../../net/cidr";
import { tenantAddressPlan, type TenantNode } from "../addresses";
import { cloudInit, infrastructureProblems, loadBalancerPlan, securityGroupRules, SECURITY_GROUPS, type SecurityGroupRole } from "./plan";

export interface TenantInfrastructureArgs {
    /** The validated `osk:tenant` section; its name prefixes every OpenStack object, and its address plan fixes
     * every port's address and the API VIP. */
    tenant: TenantClusterConfig;
    /** OpenStack to build in, scoped to the tenant's project. Required: default providers are disabled. */
    provider: openstack.Provider;
}

/**
 * The tenant cluster's OpenStack side: network, subnet and router to the external network, security groups,
 * anti-affinity server groups, one port and instance per node at its fixed address, and an Octavia load balancer
 * in front of the masters' API, with floating IPs when the config asks for them. Kubernetes itself is installed
 * on these instances by another component, over SSH.
 */
export class TenantInfrastructure extends pulumi.ComponentResource {
    public readonly networkId: pulumi.Output<string>;
    public readonly subnetId: pulumi.Output<string>;
    public readonly routerId: pulumi.Output<string>;
    public readonly externalNetworkId: pulumi.Output<string>;
    public readonly loadBalancerId: pulumi.Output<string>;
    /** Where the Kubernetes API is reached: the load balancer's floating IP with `floatingIps`, else its VIP. */
    public readonly apiAddress: pulumi.Output<string>;
    public readonly masters: TenantNode[];
    public readonly workers: TenantNode[];
    /** Every instance and the load balancer's pieces (and floating IPs). Components that work inside the cluster
     * depend on these, so a destroy removes their objects while the API is still reachable. */
    public readonly nodes: pulumi.Resource[];

    constructor(name: string, args: TenantInfrastructureArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:tenant:Infrastructure", name, {}, opts);
        const t = args.tenant;
        const problems = infrastructureProblems(t);
        // Validation reports these first (stacks/config/rules.ts); this guards direct use of the component.
        if (problems.length > 0) throw new pulumi.ResourceError(problems.map((p) => `osk:tenant.${p.key}: ${p.message}`).join("; "), this);
        const provider = args.provider;
        const child = { parent: this, provider };
        const plan = tenantAddressPlan(t);
        const ipVersion = parseNetwork(t.network.nodes).family === "ipv4" ? 4 : 6;

        const external = openstack.networking.getNetworkOutput({ name: t.network.externalNetwork, external: true }, { parent: this, provider });
        const network = new openstack.networking.Network(`${name}-network`, { name: t.name, adminStateUp: true }, child);
        const subnet = new openstack.networking.Subnet(
            `${name}-subnet`,
            {
                name: t.name,
                networkId: network.id,
                cidr: t.network.nodes,
                ipVersion,
                gatewayIp: plan.gateway,
                // Neutron hands out only the upper half; the fixed addresses below live in the lower half.
                allocationPools: [plan.allocationPool],
                dnsNameservers: t.network.dnsNameservers,
                enableDhcp: true,
                // IPv6: DHCPv6 hands each instance its port's fixed address (SLAAC would pick another).
                ...(ipVersion === 6 ? { ipv6AddressMode: "dhcpv6-stateful", ipv6RaMode: "dhcpv6-stateful" } : {}),
            },
            child,
        );
        const router = new openstack.networking.Router(`${name}-router`, { name: t.name, externalNetworkId: external.id, adminStateUp: true }, child);
        const routerInterface = new openstack.networking.RouterInterface(`${name}-router-interface`, { routerId: router.id, subnetId: subnet.id }, child);

        const groups = {} as Record<SecurityGroupRole, openstack.networking.SecGroup>;
        for (const role of SECURITY_GROUPS) {
            groups[role] = new openstack.networking.SecGroup(`${name}-${role}`, { name: `${t.name}-${role}`, description: `${role} of tenant cluster ${t.name} (OSK)` }, child);
        }
        const rules = securityGroupRules(t);
        for (const role of SECURITY_GROUPS) {
            for (const r of rules[role]) {
                new openstack.networking.SecGroupRule(
                    `${name}-rule-${r.key}`,
                    {
                        securityGroupId: groups[r.group].id,
                        description: r.description,
                        direction: r.direction,
                        ethertype: r.ethertype,
                        protocol: r.protocol,
                        portRangeMin: r.portRangeMin,
                        portRangeMax: r.portRangeMax,
                        ...("cidr" in r.remote ? { remoteIpPrefix: r.remote.cidr } : { remoteGroupId: groups[r.remote.group].id }),
                    },
                    child,
                );
            }
        }

        // Hard anti-affinity for the masters: two on one hypervisor would lose etcd quorum together. Workers only
        // prefer spreading, so a small cloud can still place them all.
        const masterGroup = new openstack.compute.ServerGroup(`${name}-masters`, { name: `${t.name}-masters`, policies: ["anti-affinity"] }, child);
        const workerGroup = plan.workers.length > 0
            ? new openstack.compute.ServerGroup(`${name}-workers`, { name: `${t.name}-workers`, policies: ["soft-anti-affinity"] }, child)
            : undefined;

        const floatingIps: pulumi.Resource[] = [];
        const floatingIp = (role: string, portId: pulumi.Input<string>): openstack.networking.FloatingIp => {
            const fip = new openstack.networking.FloatingIp(`${name}-${role}-fip`, { pool: t.network.externalNetwork, description: `${role} of tenant cluster ${t.name} (OSK)` }, child);
            // Neutron associates a floating IP only with a port whose subnet is routed to the external network.
            const association = new openstack.networking.FloatingIpAssociate(`${name}-${role}-fip-association`, { floatingIp: fip.address, portId }, { ...child, dependsOn: [routerInterface] });
            floatingIps.push(fip, association);
            return fip;
        };

        // Made here, as the tenant, when the stack brings the public key: the same converge then boots with it.
        const keyPair = t.sshPublicKey ? [new openstack.compute.Keypair(`${name}-keypair`, { name: t.keyPair, publicKey: t.sshPublicKey }, child)] : [];

        const instance = (node: TenantNode, role: "master" | "worker", securityGroups: SecurityGroupRole[], group: openstack.compute.ServerGroup): openstack.compute.Instance => {
            const port = new openstack.networking.Port(
                `${name}-${node.name}-port`,
                {
                    name: node.name,
                    networkId: network.id,
                    fixedIps: [{ subnetId: subnet.id, ipAddress: node.address }],
                    securityGroupIds: securityGroups.map((g) => groups[g].id),
                    adminStateUp: true,
                },
                child,
            );
            const server = new openstack.compute.Instance(
                `${name}-${node.name}`,
                {
                    name: node.name,
                    imageName: t.image,
                    flavorName: role === "master" ? t.masters.flavor : t.workers.flavor,
                    keyPair: t.keyPair,
                    userData: cloudInit(node),
                    // Security groups sit on the port; the instance must not name any of its own.
                    networks: [{ port: port.id }],
                    schedulerHints: [{ group: group.id }],
                    metadata: { "osk-cluster": t.name, "osk-role": role },
                },
                // cloud-init and the package installs after it need the way out through the router.
                { ...child, dependsOn: [routerInterface, ...keyPair] },
            );
            if (t.floatingIps) floatingIp(node.name, port.id);
            return server;
        };
        const masters = plan.masters.map((m) => instance(m, "master", ["nodes", "api", "ssh"], masterGroup));
        const workers = workerGroup ? plan.workers.map((w) => instance(w, "worker", ["nodes", "ssh"], workerGroup)) : [];

        const lbPlan = loadBalancerPlan(t, plan);
        const lb = new openstack.loadbalancer.LoadBalancer(
            `${name}-lb`,
            { name: `${t.name}-api`, description: `Kubernetes API of tenant cluster ${t.name} (OSK)`, vipSubnetId: subnet.id, vipAddress: lbPlan.vipAddress },
            child,
        );
        const listener = new openstack.loadbalancer.Listener(
            `${name}-lb-listener`,
            {
                name: `${t.name}-api`,
                loadbalancerId: lb.id,
                protocol: lbPlan.listener.protocol,
                protocolPort: lbPlan.listener.port,
                allowedCidrs: lbPlan.listener.allowedCidrs,
                timeoutClientData: lbPlan.listener.timeoutClientData,
                timeoutMemberData: lbPlan.listener.timeoutMemberData,
            },
            child,
        );
        const pool = new openstack.loadbalancer.Pool(`${name}-lb-pool`, { name: `${t.name}-api`, listenerId: listener.id, protocol: lbPlan.pool.protocol, lbMethod: lbPlan.pool.lbMethod }, child);
        const monitor = new openstack.loadbalancer.Monitor(
            `${name}-lb-monitor`,
            { name: `${t.name}-api`, poolId: pool.id, type: lbPlan.monitor.type, delay: lbPlan.monitor.delay, timeout: lbPlan.monitor.timeout, maxRetries: lbPlan.monitor.maxRetries, maxRetriesDown: lbPlan.monitor.maxRetriesDown },
            child,
        );
        // Octavia refuses a change while the load balancer is PENDING_UPDATE from the previous one, so the members
        // go one after another; each also waits for its instance, so it never points at a missing address.
        let previous: pulumi.Resource = monitor;
        const members = lbPlan.members.map((m, i) => {
            const member = new openstack.loadbalancer.Member(
                `${name}-lb-member-${m.name}`,
                { name: m.name, poolId: pool.id, address: m.address, protocolPort: m.port, subnetId: subnet.id },
                { ...child, dependsOn: [masters[i], previous] },
            );
            previous = member;
            return member;
        });
        const lbAddress = t.floatingIps ? floatingIp("api", lb.vipPortId).address : undefined;

        this.networkId = network.id;
        this.subnetId = subnet.id;
        this.routerId = router.id;
        this.externalNetworkId = external.id;
        this.loadBalancerId = lb.id;
        this.apiAddress = lbAddress ?? pulumi.output(lbPlan.vipAddress);
        this.masters = plan.masters;
        this.workers = plan.workers;
        this.nodes = [...masters, ...workers, lb, listener, pool, monitor, ...members, ...floatingIps];
        this.registerOutputs({
            networkId: this.networkId,
            subnetId: this.subnetId,
            routerId: this.routerId,
            externalNetworkId: this.externalNetworkId,
            loadBalancerId: this.loadBalancerId,
            apiAddress: this.apiAddress,
            masters: this.masters,
            workers: this.workers,
        });
    }
}
