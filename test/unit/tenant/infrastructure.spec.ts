// The tenant cluster's OpenStack infrastructure: the pure rules and plans, then the component alone under Pulumi
// mocks (no engine, no provider plugin), checking what it would ask OpenStack for.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { tenantAddressPlan } from "../../../components/tenant/addresses";
import type { TenantInfrastructure } from "../../../components/tenant/infrastructure";
import { cloudInit, infrastructureProblems, loadBalancerPlan, securityGroupRules, type SecurityRuleSpec } from "../../../components/tenant/infrastructure/plan";
import type { TenantClusterConfig } from "../../../stacks/config/schema";
import { model } from "../../helpers/models";

/** The prod tenant, edited through the stack values so every variant is one that validation accepts. */
const tenant = (edit?: (t: Record<string, any>) => void): TenantClusterConfig => {
    const t = model("prod", edit ? (v) => edit(v.tenant) : undefined).tenant;
    if (!t.enabled) throw new Error("prod has a tenant");
    return t;
};

/** A variant validation itself refuses (stacks/config/rules.ts reports these first): edited after validation, to
 * check the component's own guard for direct use. */
const unvalidated = (edit: (t: TenantClusterConfig) => void): TenantClusterConfig => {
    const t = structuredClone(tenant());
    edit(t);
    return t;
};

const allRules = (t: TenantClusterConfig): SecurityRuleSpec[] => Object.values(securityGroupRules(t)).flat();
const cidrOf = (r: SecurityRuleSpec): string | undefined => ("cidr" in r.remote ? r.remote.cidr : undefined);

describe("tenant infrastructure: security rules", () => {
    it("opens the API only to the node subnet and the configured networks, on 6443", () => {
        const { api } = securityGroupRules(tenant());
        assert.deepEqual(api.map(cidrOf), ["192.168.100.0/24", "10.0.0.0/8"]);
        assert.deepEqual(api.map((r) => r.key), ["api-6443-192-168-100-0-24", "api-6443-10-0-0-0-8"]);
        for (const r of api) assert.deepEqual([r.direction, r.protocol, r.portRangeMin, r.portRangeMax, r.ethertype], ["ingress", "tcp", 6443, 6443, "IPv4"]);
    });

    it("lists a network once even when it is both the node subnet and an allowed network", () => {
        const { api } = securityGroupRules(tenant((t) => (t.apiAllowedCidrs = ["192.168.100.0/24", "10.0.0.0/8", "10.0.0.0/8"])));
        assert.deepEqual(api.map(cidrOf), ["192.168.100.0/24", "10.0.0.0/8"]);
    });

    it("opens SSH to each configured network, and not at all when the list is empty", () => {
        const { ssh } = securityGroupRules(tenant((t) => (t.sshAllowedCidrs = ["10.30.0.0/22", "172.16.0.0/12"])));
        assert.deepEqual(ssh.map((r) => [r.key, cidrOf(r), r.portRangeMin, r.portRangeMax]), [
            ["ssh-22-10-30-0-0-22", "10.30.0.0/22", 22, 22],
            ["ssh-22-172-16-0-0-12", "172.16.0.0/12", 22, 22],
        ]);
        assert.deepEqual(securityGroupRules(tenant((t) => (t.sshAllowedCidrs = []))).ssh, []);
    });

    it("lets nodes talk to each other only: every node rule's remote is the nodes group itself", () => {
        const { nodes } = securityGroupRules(tenant());
        assert.deepEqual(nodes.map((r) => r.protocol).sort(), ["icmp", "ipip", "tcp", "udp"]);
        for (const r of nodes) assert.deepEqual(r.remote, { group: "nodes" });
        // Every port: no range at all, which is how Neutron stores 1-65535 too (a declared full range reads back empty).
        for (const r of nodes) assert.deepEqual([r.portRangeMin, r.portRangeMax], [undefined, undefined], r.key);
    });

    it("never opens anything to the world that the config did not list", () => {
        for (const r of allRules(tenant())) {
            const cidr = cidrOf(r);
            if (cidr) assert.ok(!cidr.endsWith("/0"), `${r.key} is world-open`);
        }
        // Listed deliberately with allowWorldOpen: exactly that rule, nothing else widened.
        const open = securityGroupRules(tenant((t) => { t.allowWorldOpen = true; t.sshAllowedCidrs = ["0.0.0.0/0"]; }));
        assert.deepEqual(open.ssh.map(cidrOf), ["0.0.0.0/0"]);
        assert.deepEqual(open.api.map(cidrOf), ["192.168.100.0/24", "10.0.0.0/8"]);
        // Validation refuses this config; the rule builder refuses it again rather than build it.
        const sneaky = { ...tenant(), apiAllowedCidrs: ["0.0.0.0/0"] };
        assert.throws(() => securityGroupRules(sneaky), /whole Internet/);
    });

    it("uses the IPv6 ethertype for IPv6 networks, and for every rule of an IPv6 cluster", () => {
        const { ssh } = securityGroupRules(tenant((t) => (t.sshAllowedCidrs = ["10.30.0.0/22", "2001:db8:0:0::/48"])));
        assert.deepEqual(ssh.map((r) => [r.key, r.ethertype, cidrOf(r)]), [
            ["ssh-22-10-30-0-0-22", "IPv4", "10.30.0.0/22"],
            ["ssh-22-2001-db8---48", "IPv6", "2001:db8::/48"],
        ]);
        const v6 = securityGroupRules(tenant((t) => { t.network.nodes = "fd00:100::/64"; t.apiAllowedCidrs = ["fd00::/8"]; }));
        assert.ok([...v6.nodes, ...v6.api].every((r) => r.ethertype === "IPv6"));
        assert.deepEqual(v6.nodes.map((r) => r.protocol).sort(), ["ipip", "ipv6-icmp", "tcp", "udp"]);
        assert.deepEqual(v6.api.map(cidrOf), ["fd00:100::/64", "fd00::/8"]);
    });

    it("gives every rule a unique key usable in a resource name", () => {
        const keys = allRules(tenant((t) => (t.sshAllowedCidrs = ["10.30.0.0/22", "2001:db8::/32", "::/1"]))).map((r) => r.key);
        assert.equal(new Set(keys).size, keys.length);
        for (const k of keys) assert.match(k, /^[a-z0-9-]+$/);
    });
});

describe("tenant infrastructure: plans", () => {
    it("cloud-init sets the hostname and nothing else that could change or leak", () => {
        const t = tenant();
        const node = tenantAddressPlan(t).masters[0];
        const text = cloudInit(node);
        assert.ok(text.startsWith("#cloud-config\n"));
        const doc = parse(text);
        assert.equal(doc.hostname, "apps-master-1");
        assert.equal(doc.manage_etc_hosts, true);
        assert.equal(doc.packages, undefined);
        assert.equal(doc.package_upgrade, false);
        assert.deepEqual(Object.keys(doc).sort(), ["hostname", "manage_etc_hosts", "package_update", "package_upgrade", "preserve_hostname", "ssh_pwauth"]);
        assert.equal(cloudInit({ ...node }), text, "deterministic, so Nova does not replace the instance");
    });

    it("balances TCP 6443 over every master, restricted to the allowed networks and the node subnet", () => {
        const t = tenant();
        const plan = tenantAddressPlan(t);
        const lb = loadBalancerPlan(t, plan);
        assert.equal(lb.vipAddress, plan.apiVip);
        assert.equal(lb.vipAddress, "192.168.100.5");
        assert.deepEqual([lb.listener.protocol, lb.listener.port], ["TCP", 6443]);
        assert.deepEqual(lb.listener.allowedCidrs, ["10.0.0.0/8", "192.168.100.0/24"]);
        assert.equal(lb.pool.protocol, "TCP");
        assert.ok(["ROUND_ROBIN", "LEAST_CONNECTIONS"].includes(lb.pool.lbMethod));
        assert.deepEqual(lb.members, plan.masters.map((m) => ({ name: m.name, address: m.address, port: 6443 })));
        assert.equal(lb.monitor.type, "TCP");
        assert.ok(lb.monitor.timeout < lb.monitor.delay, "Octavia requires timeout below delay");
    });

    it("refuses what Octavia or Neutron would refuse at apply time, naming the key", () => {
        assert.deepEqual(infrastructureProblems(tenant()), []);
        const mixed = unvalidated((t) => (t.apiAllowedCidrs = ["10.0.0.0/8", "2001:db8::/32"]));
        assert.match(infrastructureProblems(mixed).map((p) => `${p.key}: ${p.message}`).join("\n"), /^apiAllowedCidrs\[1\]: 2001:db8::\/32 is not ipv4/);
        assert.throws(() => loadBalancerPlan(mixed, tenantAddressPlan(mixed)), /refuses allowed CIDRs 2001:db8::\/32/);
        const v6 = unvalidated((t) => { t.network.nodes = "fd00:100::/64"; t.apiAllowedCidrs = ["fd00::/8"]; t.floatingIps = true; });
        assert.match(infrastructureProblems(v6).map((p) => `${p.key}: ${p.message}`).join("\n"), /^floatingIps: Neutron floating IPs are IPv4 only/);
    });
});

// ---- the component under mocks ---------------------------------------------------------------------------------

// Outstanding registrations finish before the result is read; the SDK exports this only from its settings module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
    provider?: string;
    dependsOn: string[];
    parent?: string;
}

interface InfraRun {
    resources: Registered[];
    calls: pulumi.runtime.MockCallArgs[];
    infra: TenantInfrastructure;
    outputs: Record<string, unknown>;
    byName(name: string): Registered;
    ofType(type: string): Registered[];
}

const GET_NETWORK = "openstack:networking/getNetwork:getNetwork";
const PROVIDER_REF = /^urn:pulumi:unit::osk::(\S+\$)?pulumi:providers:openstack::tenant-cloud::tenant-cloud-id$/;

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

/** Runs TenantInfrastructure alone for `t`. Mocks go in before the SDK and the component load, as under the engine. */
async function runInfrastructure(t: TenantClusterConfig): Promise<InfraRun> {
    const resources: Registered[] = [];
    const calls: pulumi.runtime.MockCallArgs[] = [];
    const meta = new Map<string, { dependsOn: string[]; parent?: string }>();
    let fips = 0;
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const m = meta.get(args.name);
                resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, dependsOn: m?.dependsOn ?? [], parent: m?.parent });
                const state: Record<string, any> = { ...args.inputs };
                if (args.type === "openstack:networking/floatingIp:FloatingIp") state.address = `203.0.113.${++fips}`;
                if (args.type === "openstack:loadbalancer/loadBalancer:LoadBalancer") state.vipPortId = `${args.name}-vip-port-id`;
                return { id: `${args.name}-id`, state };
            },
            call(args) {
                calls.push(args);
                if (args.token === GET_NETWORK) return { id: "external-net-id", name: args.inputs.name, external: true };
                throw new Error(`unexpected invoke ${args.token}`);
            },
        },
        "osk",
        "unit",
        false,
    );
    const openstack = await import("@pulumi/openstack");
    const { TenantInfrastructure } = await import("../../../components/tenant/infrastructure");
    let infra: TenantInfrastructure | undefined;
    let failure: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((a) => {
            const dependsOn = ([] as unknown[]).concat(a.opts.dependsOn ?? []).map((d) => (d as { __name?: string }).__name ?? "?");
            meta.set(a.name, { dependsOn, parent: (a.opts.parent as { __name?: string } | undefined)?.__name });
            return undefined;
        });
        const provider = new openstack.Provider("tenant-cloud", { authUrl: "https://keystone.example.net/v3", region: "RegionOne" });
        try {
            infra = new TenantInfrastructure("infra", { tenant: t, provider });
        } catch (e) {
            failure = e;
        }
        return {};
    });
    if (failure) throw failure;
    const outputs: Record<string, unknown> = {};
    for (const key of ["networkId", "subnetId", "routerId", "externalNetworkId", "loadBalancerId", "apiAddress"] as const) outputs[key] = await value(infra![key]);
    await settings.waitForRPCs();
    return {
        resources,
        calls,
        infra: infra!,
        outputs,
        byName(name) {
            const r = resources.find((x) => x.name === name);
            if (!r) throw new Error(`no resource named ${name}; have: ${resources.map((x) => x.name).join(", ")}`);
            return r;
        },
        ofType(type) {
            return resources.filter((r) => r.type === type);
        },
    };
}

const T = {
    instance: "openstack:compute/instance:Instance",
    port: "openstack:networking/port:Port",
    serverGroup: "openstack:compute/serverGroup:ServerGroup",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
    member: "openstack:loadbalancer/member:Member",
    fip: "openstack:networking/floatingIp:FloatingIp",
    fipAssociation: "openstack:networking/floatingIpAssociate:FloatingIpAssociate",
};

describe("tenant infrastructure under mocks (prod tenant)", () => {
    let run: InfraRun;
    let t: TenantClusterConfig;
    before(async () => {
        t = tenant();
        run = await runInfrastructure(t);
    });

    it("names the explicit provider on every resource and on the external network lookup", () => {
        const providers = run.resources.filter((r) => r.type.startsWith("pulumi:providers:"));
        assert.deepEqual(providers.map((r) => r.name), ["tenant-cloud"], "no default provider is registered");
        const custom = run.resources.filter((r) => r.type.startsWith("openstack:"));
        assert.ok(custom.length > 30);
        for (const r of custom) assert.match(r.provider ?? "(none)", PROVIDER_REF, `${r.name}: ${r.provider}`);
        assert.deepEqual(run.calls.map((c) => [c.token, c.inputs.name, c.inputs.external]), [[GET_NETWORK, "public", true]]);
        assert.match(run.calls[0].provider ?? "(none)", PROVIDER_REF);
        for (const r of custom) assert.equal(r.parent, "infra", r.name);
    });

    it("builds the subnet from the address plan and routes it to the external network", () => {
        const plan = tenantAddressPlan(t);
        const subnet = run.byName("infra-subnet").inputs;
        assert.deepEqual(
            [subnet.networkId, subnet.cidr, subnet.ipVersion, subnet.gatewayIp, subnet.allocationPools, subnet.dnsNameservers],
            ["infra-network-id", "192.168.100.0/24", 4, plan.gateway, [plan.allocationPool], ["10.30.0.53"]],
        );
        assert.equal(run.byName("infra-router").inputs.externalNetworkId, "external-net-id");
        assert.deepEqual(run.byName("infra-router-interface").inputs, { routerId: "infra-router-id", subnetId: "infra-subnet-id" });
        assert.equal(run.outputs.externalNetworkId, "external-net-id");
        assert.equal(run.outputs.subnetId, "infra-subnet-id");
    });

    it("creates exactly the planned security rules on their groups", () => {
        const planned = allRules(t);
        const rules = run.ofType(T.rule);
        assert.deepEqual(rules.map((r) => r.name).sort(), planned.map((r) => `infra-rule-${r.key}`).sort());
        for (const p of planned) {
            const r = run.byName(`infra-rule-${p.key}`).inputs;
            assert.equal(r.securityGroupId, `infra-${p.group}-id`);
            assert.equal(r.remoteIpPrefix, cidrOf(p));
            assert.equal(r.remoteGroupId, "group" in p.remote ? `infra-${p.remote.group}-id` : undefined);
        }
        assert.ok(rules.every((r) => r.inputs.remoteIpPrefix !== "0.0.0.0/0" && r.inputs.remoteIpPrefix !== "::/0"));
    });

    it("keeps masters on different hypervisors and spreads workers where it can", () => {
        assert.deepEqual(run.byName("infra-masters").inputs.policies, ["anti-affinity"]);
        assert.deepEqual(run.byName("infra-workers").inputs.policies, ["soft-anti-affinity"]);
        const plan = tenantAddressPlan(t);
        for (const m of plan.masters) assert.deepEqual(run.byName(`infra-${m.name}`).inputs.schedulerHints, [{ group: "infra-masters-id" }]);
        for (const w of plan.workers) assert.deepEqual(run.byName(`infra-${w.name}`).inputs.schedulerHints, [{ group: "infra-workers-id" }]);
    });

    it("gives every node one port at its planned address with its role's security groups", () => {
        const plan = tenantAddressPlan(t);
        assert.equal(run.ofType(T.port).length, plan.masters.length + plan.workers.length);
        const check = (nodes: typeof plan.masters, groups: string[]) => {
            for (const n of nodes) {
                const port = run.byName(`infra-${n.name}-port`).inputs;
                assert.deepEqual(port.fixedIps, [{ subnetId: "infra-subnet-id", ipAddress: n.address }]);
                assert.deepEqual(port.securityGroupIds, groups.map((g) => `infra-${g}-id`));
                assert.equal(port.networkId, "infra-network-id");
            }
        };
        check(plan.masters, ["nodes", "api", "ssh"]);
        check(plan.workers, ["nodes", "ssh"]);
    });

    it("boots each instance from the image on its port, with its cloud-init, after the router interface", () => {
        const plan = tenantAddressPlan(t);
        for (const [nodes, role, flavor] of [[plan.masters, "master", "m1.large"], [plan.workers, "worker", "m1.xlarge"]] as const) {
            for (const n of nodes) {
                const r = run.byName(`infra-${n.name}`);
                assert.deepEqual(
                    [r.inputs.name, r.inputs.imageName, r.inputs.flavorName, r.inputs.keyPair, r.inputs.userData, r.inputs.networks, r.inputs.metadata],
                    [n.name, "ubuntu-24.04-k8s-1.33", flavor, "platform-ops", cloudInit(n), [{ port: `infra-${n.name}-port-id` }], { "osk-cluster": "apps", "osk-role": role }],
                );
                assert.equal(r.inputs.securityGroups, undefined, "security groups belong on the port");
                assert.ok(r.dependsOn.includes("infra-router-interface"), `${r.name} depends on ${r.dependsOn}`);
            }
        }
    });

    it("puts the Octavia VIP at the planned address, 6443 restricted, one member per master after its instance", () => {
        const plan = tenantAddressPlan(t);
        const lb = run.byName("infra-lb").inputs;
        assert.deepEqual([lb.vipAddress, lb.vipSubnetId], [plan.apiVip, "infra-subnet-id"]);
        const listener = run.byName("infra-lb-listener").inputs;
        assert.deepEqual([listener.loadbalancerId, listener.protocol, listener.protocolPort], ["infra-lb-id", "TCP", 6443]);
        assert.deepEqual(listener.allowedCidrs, ["10.0.0.0/8", "192.168.100.0/24"]);
        assert.equal(run.byName("infra-lb-pool").inputs.listenerId, "infra-lb-listener-id");
        const monitor = run.byName("infra-lb-monitor").inputs;
        assert.deepEqual([monitor.poolId, monitor.type], ["infra-lb-pool-id", "TCP"]);
        const members = run.ofType(T.member);
        assert.deepEqual(members.map((m) => m.inputs.address).sort(), plan.masters.map((m) => m.address).sort());
        for (const m of plan.masters) {
            const member = run.byName(`infra-lb-member-${m.name}`);
            assert.deepEqual([member.inputs.poolId, member.inputs.address, member.inputs.protocolPort, member.inputs.subnetId], ["infra-lb-pool-id", m.address, 6443, "infra-subnet-id"]);
            assert.ok(member.dependsOn.includes(`infra-${m.name}`), `${member.name} depends on ${member.dependsOn}`);
        }
    });

    it("exports the VIP as the API address without floating IPs, the plan's nodes, and every instance for dependsOn", () => {
        assert.equal(run.ofType(T.fip).length, 0);
        assert.equal(run.outputs.apiAddress, "192.168.100.5");
        assert.equal(run.outputs.loadBalancerId, "infra-lb-id");
        const plan = tenantAddressPlan(t);
        assert.deepEqual(run.infra.masters, plan.masters);
        assert.deepEqual(run.infra.workers, plan.workers);
        const names = run.infra.nodes.map((r) => (r as unknown as { __name: string }).__name);
        for (const n of [...plan.masters, ...plan.workers]) assert.ok(names.includes(`infra-${n.name}`), n.name);
        for (const n of ["infra-lb", "infra-lb-listener", "infra-lb-pool", "infra-lb-monitor"]) assert.ok(names.includes(n), n);
    });
});

describe("tenant infrastructure under mocks, varied", () => {
    it("with the key pair's public half: makes the key pair as the tenant, and every instance waits for it; without it, none", async () => {
        const publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheUnitTestOnlyxxxxxxxxxxxxxxxxx ops@apps";
        const run = await runInfrastructure(tenant((x) => (x.sshPublicKey = publicKey)));
        const keypair = run.byName("infra-keypair");
        assert.deepEqual([keypair.type, keypair.inputs.name, keypair.inputs.publicKey], ["openstack:compute/keypair:Keypair", "platform-ops", publicKey]);
        assert.match(keypair.provider ?? "", PROVIDER_REF, "made with the tenant's own provider: the key pair is the tenant user's");
        for (const i of run.ofType(T.instance)) assert.ok(i.dependsOn.includes("infra-keypair"), `${i.name} depends on ${i.dependsOn}`);
        const without = await runInfrastructure(tenant());
        assert.equal(without.ofType("openstack:compute/keypair:Keypair").length, 0);
    });

    it("refuses a public key that is not one OpenSSH line, naming the key", () => {
        for (const bad of ["AAAAC3NzaC1lZDI1NTE5", "ssh-ed25519 AAAA\nssh-rsa AAAA"]) {
            assert.throws(() => tenant((x) => (x.sshPublicKey = bad)), /tenant\.sshPublicKey[\s\S]*one OpenSSH public key line/, bad);
        }
        // The private half pasted by mistake is caught as a plaintext secret, before any shape check.
        assert.throws(() => tenant((x) => (x.sshPublicKey = "-----BEGIN OPENSSH PRIVATE KEY-----")), /tenant\.sshPublicKey: holds what looks like a private key/);
    });

    it("with no workers: no worker server group, ports or instances", async () => {
        const t = tenant((x) => (x.workers.count = 0));
        const run = await runInfrastructure(t);
        assert.deepEqual(run.ofType(T.serverGroup).map((r) => r.name), ["infra-masters"]);
        assert.deepEqual(run.ofType(T.instance).map((r) => r.name), ["infra-apps-master-1", "infra-apps-master-2", "infra-apps-master-3"]);
        assert.equal(run.ofType(T.port).length, 3);
        assert.deepEqual(run.infra.workers, []);
    });

    it("with floating IPs: one per node and one on the VIP port, associated after the router interface", async () => {
        const t = tenant((x) => (x.floatingIps = true));
        const run = await runInfrastructure(t);
        const plan = tenantAddressPlan(t);
        const nodes = [...plan.masters, ...plan.workers];
        assert.equal(run.ofType(T.fip).length, nodes.length + 1);
        for (const f of run.ofType(T.fip)) assert.equal(f.inputs.pool, "public");
        for (const n of nodes) assert.equal(run.byName(`infra-${n.name}-fip-association`).inputs.portId, `infra-${n.name}-port-id`);
        const api = run.byName("infra-api-fip-association");
        assert.equal(api.inputs.portId, "infra-lb-vip-port-id");
        for (const a of run.ofType(T.fipAssociation)) assert.ok(a.dependsOn.includes("infra-router-interface"), a.name);
        const apiFip = run.byName("infra-api-fip");
        const apiFipAddress = `203.0.113.${run.ofType(T.fip).indexOf(apiFip) + 1}`;
        assert.equal(api.inputs.floatingIp, apiFipAddress);
        assert.equal(run.outputs.apiAddress, apiFipAddress);
    });

    it("with an empty SSH list: the ssh group exists with no rule", async () => {
        const run = await runInfrastructure(tenant((x) => (x.sshAllowedCidrs = [])));
        assert.equal(run.byName("infra-ssh").inputs.name, "apps-ssh");
        assert.deepEqual(run.ofType(T.rule).filter((r) => r.inputs.securityGroupId === "infra-ssh-id"), []);
    });

    it("with an IPv6 node network: an IPv6 subnet handing out the fixed addresses, IPv6 rules and VIP", async () => {
        const t = tenant((x) => { x.network.nodes = "fd00:100::/64"; x.network.dnsNameservers = []; x.apiAllowedCidrs = ["fd00::/8"]; x.sshAllowedCidrs = ["fd00:30::/48"]; });
        const run = await runInfrastructure(t);
        const subnet = run.byName("infra-subnet").inputs;
        assert.deepEqual([subnet.ipVersion, subnet.ipv6AddressMode, subnet.ipv6RaMode, subnet.gatewayIp], [6, "dhcpv6-stateful", "dhcpv6-stateful", "fd00:100::1"]);
        assert.ok(run.ofType(T.rule).every((r) => r.inputs.ethertype === "IPv6"));
        assert.equal(run.byName("infra-lb").inputs.vipAddress, "fd00:100::5");
        assert.deepEqual(run.byName("infra-lb-listener").inputs.allowedCidrs, ["fd00::/8", "fd00:100::/64"]);
        assert.deepEqual(run.byName("infra-apps-master-1-port").inputs.fixedIps, [{ subnetId: "infra-subnet-id", ipAddress: "fd00:100::a" }]);
    });

    it("refuses an allowed network Octavia would reject, naming the key", async () => {
        const t = unvalidated((x) => (x.apiAllowedCidrs = ["10.0.0.0/8", "2001:db8::/32"]));
        await assert.rejects(runInfrastructure(t), /apiAllowedCidrs\[1\]: 2001:db8::\/32/);
    });
});
