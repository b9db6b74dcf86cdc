// Tier 3: the lab's OpenStack (tools/lab/openstack) is a real OpenStack. Keystone, Placement, Glance, Nova with
// five fake hypervisors, Neutron, Octavia with noop amphorae and Cinder with a fake backend, on MariaDB and
// RabbitMQ, all on loopback. Through the APIs alone, as the tenant's application credential, this builds the set
// of objects a tenant cluster consists of (from the product's own address plan, security rules and load balancer
// plan), checks what the APIs hold, and takes it all down again to an empty project.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "fs";
import { join } from "path";
import { tenantAddressPlan } from "../../components/tenant/addresses";
import { cloudInit, loadBalancerPlan, securityGroupRules, SECURITY_GROUPS } from "../../components/tenant/infrastructure/plan";
import { computeHosts, LAB_OPENSTACK, openstackAdmin, openstackPids, openstackRssMb, openstackSecrets, OPENSTACK_KEYSTONE_URL, stackFixtures, startOpenStack, stopOpenStack, tenantOf, TENANT_STACK_FILE, type StartFigures } from "../../tools/lab/openstack/openstack";
import { recoverAdopting } from "../../tools/engine/recover";
import { pulumiRun, pulumiSync, type Workspace } from "../../tools/engine/workspace";
import { perKindSeconds, providerPlugin, tenantWorkspace } from "../../tools/lab/openstack/tenant";
import { tenantSchema, type TenantClusterConfig } from "../../stacks/config/schema";
import { parse as parseYaml } from "yaml";
import { findPending } from "./openstack/adopt";
import { Cloud, leftovers, NOVA_2_64, projectInventory } from "./openstack/cloud";
import { assertMatchesPlan, tenantView } from "./openstack/tenant-checks";
import { processTree } from "../helpers/processes";

/**
 * Starts `pulumi up` and SIGKILLs its whole process tree `afterMs` after the first output line matching `line` (by
 * then the instances' creates are under way in Nova and recorded as pending in the state).
 */
async function killWhenCreating(ws: Workspace, line: RegExp, afterMs: number): Promise<string> {
    const child = spawn("pulumi", ["up", "--yes", "--non-interactive", "--skip-preview", "--stack", ws.stack], { cwd: ws.dir, env: ws.env });
    let out = "";
    let seen = "";
    let killed = false;
    const kill = () => {
        killed = true;
        for (const pid of processTree(child.pid!)) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
    };
    child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const found = out.split("\n").find((l) => line.test(l));
        if (found && !seen) {
            seen = found.trim();
            setTimeout(kill, afterMs);
        }
    });
    await new Promise((r) => child.on("close", r));
    if (!killed) throw new Error(`the up finished before it could be killed:\n${out.slice(-3000)}`);
    return `${afterMs / 1000} s after ${seen}`;
}

const DIR = join(LAB_OPENSTACK, "openstack");
const say = (m: string) => console.log(`      ${m}`);

describe("the lab's OpenStack (real Keystone, Nova, Neutron, Octavia, Cinder, Glance, Placement on loopback)", function () {
    this.timeout(30 * 60 * 1000);
    let figures: StartFigures;
    let admin: Cloud;

    before(async () => {
        figures = startOpenStack(DIR);
        say(`install ${figures.installSeconds.toFixed(1)} s, start ${figures.startSeconds.toFixed(1)} s (${figures.phases.join("; ")}), fixtures ${figures.fixturesSeconds.toFixed(1)} s, memory ${openstackRssMb(DIR)} MiB over ${openstackPids(DIR).length} processes`);
        admin = await Cloud.login(openstackAdmin(DIR));
    });

    after(function () {
        // Whatever happened above: every process the lab started goes, by PID. The state (logs included) stays
        // for a look when a test failed.
        if (process.env.OSK_LAB_OPENSTACK_KEEP === "1") return say(`kept running (OSK_LAB_OPENSTACK_KEEP=1): tools/lab/openstack/openstack.sh stop ${DIR}`);
        stopOpenStack(DIR);
        assert.deepEqual(openstackPids(DIR), [], "a process of the lab's OpenStack outlived the stop");
        const failed = this.test?.parent?.tests.some((t) => t.state === "failed");
        if (!failed) rmSync(DIR, { recursive: true, force: true });
        else say(`state and logs kept in ${DIR}`);
    });

    it("registers every service at a loopback endpoint, each service user with its own generated password", async () => {
        const types = admin.catalog.map((c) => c.type).sort();
        for (const t of ["identity", "placement", "image", "compute", "network", "load-balancer", "volumev3", "block-storage"]) assert.ok(types.includes(t), `${t} is in the catalogue (${types.join(", ")})`);
        for (const c of admin.catalog) for (const e of c.endpoints) assert.match(e.url, /^http:\/\/127\.0\.0\.1:16\d{3}(\/|$)/, `${c.type} ${e.interface} endpoint ${e.url}`);
        const secrets = join(DIR, "secrets");
        const files = readdirSync(secrets);
        assert.equal(statSync(secrets).mode & 0o777, 0o700);
        for (const f of files) assert.equal(statSync(join(secrets, f)).mode & 0o777, 0o600, `${f} is private`);
        const passwords = files.map((f) => readFileSync(join(secrets, f), "utf8").trim());
        assert.equal(new Set(passwords).size, passwords.length, "no two secrets alike");
        // A service user logs in with its own password and with nothing else.
        const nova = readFileSync(join(secrets, "user-nova"), "utf8").trim();
        const svc = await Cloud.login({ authUrl: OPENSTACK_KEYSTONE_URL, username: "nova", password: nova, projectName: "service" });
        assert.ok(svc.roles.includes("admin"));
        await assert.rejects(Cloud.login({ authUrl: OPENSTACK_KEYSTONE_URL, username: "nova", password: readFileSync(join(secrets, "user-neutron"), "utf8").trim(), projectName: "service" }), /HTTP 401/);
        // Every API answers an authenticated call.
        await Promise.all([
            admin.get("placement", "/resource_providers"),
            admin.get("image", "/images"),
            admin.get("compute", "/servers"),
            admin.get("network", "/networks"),
            admin.get("load-balancer", "/lbaas/loadbalancers"),
            admin.get("volumev3", "/volumes"),
        ]);
    });

    it("holds the fixtures an operator makes for the stacks: external network on TEST-NET-2, flavors, the image, volume types", async () => {
        const want = stackFixtures();
        const nets = (await admin.get("network", `/networks?name=${want.externalNetwork.name}`)).networks;
        assert.equal(nets.length, 1);
        assert.equal(nets[0]["router:external"], true);
        assert.equal(nets[0]["provider:network_type"], "flat");
        const subnets = (await admin.get("network", `/subnets?network_id=${nets[0].id}`)).subnets;
        assert.deepEqual(subnets.map((s: { cidr: string }) => s.cidr), ["198.51.100.0/24"]);
        const flavors = (await admin.get("compute", "/flavors")).flavors.map((f: { name: string }) => f.name);
        for (const f of want.flavors) assert.ok(flavors.includes(f.name), `flavor ${f.name}`);
        const images = (await admin.get("image", `/images?name=${want.image}`)).images;
        assert.deepEqual(images.map((i: { status: string }) => i.status), ["active"]);
        const types = (await admin.get("volumev3", "/types")).volume_types.map((t: { name: string }) => t.name);
        for (const t of want.volumeTypes) assert.ok(types.includes(t), `volume type ${t}`);
        // Every fake hypervisor the start made is up and known to Placement, more of them than a tenant has masters:
        // room to keep three masters apart even when their late anti-affinity checks reschedule.
        const hypervisors = (await admin.get("compute", "/os-hypervisors/detail")).hypervisors;
        const made = computeHosts(DIR);
        assert.equal(hypervisors.filter((h: { state: string; status: string }) => h.state === "up" && h.status === "enabled").length, made);
        assert.ok(made > 3, `${made} hypervisors for 3 masters`);
    });

    it("builds a tenant cluster's set through the APIs as the tenant's application credential, checks it, and deletes it to an empty project", async () => {
        const base = tenantOf(TENANT_STACK_FILE);
        const t = { ...base, name: "lab-os-api", project: "lab-os-api-check" };
        const plan = tenantAddressPlan(t);
        const rules = securityGroupRules(t);
        const lbPlan = loadBalancerPlan(t, plan);
        const times: string[] = [];
        const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
            const t0 = Date.now();
            const out = await fn();
            times.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            return out;
        };

        // The identity, as TenantIdentity makes it: project, service user with the stack's roles, application credential.
        const project = (await admin.post("identity", "/projects", { project: { name: t.project, domain_id: "default" } })).project;
        const password = randomBytes(24).toString("hex");
        let user: { id: string; name: string } | undefined;
        try {
            user = (await admin.post("identity", "/users", { user: { name: `${t.name}-cloud-provider`, domain_id: "default", password, default_project_id: project.id } })).user as { id: string; name: string };
            const roleIds = await Promise.all(t.roles.map(async (r) => (await admin.get("identity", `/roles?name=${r}`)).roles[0].id as string));
            for (const r of roleIds) await admin.put("identity", `/projects/${project.id}/users/${user.id}/roles/${r}`);
            const owner = await Cloud.login({ authUrl: OPENSTACK_KEYSTONE_URL, username: user.name, password, projectName: t.project });
            const appCred = (await owner.post("identity", `/users/${user.id}/application_credentials`, { application_credential: { name: `${t.name}-cloud-integrations`, roles: t.roles.map((name) => ({ name })), unrestricted: false } })).application_credential;
            const tenant = await Cloud.login({ authUrl: OPENSTACK_KEYSTONE_URL, applicationCredentialId: appCred.id, applicationCredentialSecret: appCred.secret });
            assert.equal(tenant.projectId, project.id);
            assert.deepEqual([...tenant.roles].sort(), [...t.roles].sort(), "the credential carries exactly the stack's roles");

            const external = (await tenant.get("network", `/networks?name=${t.network.externalNetwork}&router:external=true`)).networks[0];
            const { network, subnet, router } = await timed("network, subnet, router", async () => {
                const network = (await tenant.post("network", "/networks", { network: { name: t.name, admin_state_up: true } })).network;
                const subnet = (await tenant.post("network", "/subnets", { subnet: { name: t.name, network_id: network.id, cidr: t.network.nodes, ip_version: 4, gateway_ip: plan.gateway, allocation_pools: [plan.allocationPool], dns_nameservers: t.network.dnsNameservers, enable_dhcp: true } })).subnet;
                const router = (await tenant.post("network", "/routers", { router: { name: t.name, admin_state_up: true, external_gateway_info: { network_id: external.id } } })).router;
                await tenant.put("network", `/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
                return { network, subnet, router };
            });
            const groups: Record<string, string> = {};
            await timed("security groups and rules", async () => {
                for (const role of SECURITY_GROUPS) groups[role] = (await tenant.post("network", "/security-groups", { security_group: { name: `${t.name}-${role}`, description: `${role} (lab check)` } })).security_group.id;
                for (const role of SECURITY_GROUPS) {
                    for (const r of rules[role]) {
                        await tenant.post("network", "/security-group-rules", {
                            security_group_rule: { security_group_id: groups[r.group], direction: r.direction, ethertype: r.ethertype, protocol: r.protocol, port_range_min: r.portRangeMin, port_range_max: r.portRangeMax, description: r.description, ...("cidr" in r.remote ? { remote_ip_prefix: r.remote.cidr } : { remote_group_id: groups[r.remote.group] }) },
                        });
                    }
                }
            });
            const masterGroup = (await tenant.post("compute", "/os-server-groups", { server_group: { name: `${t.name}-masters`, policy: "anti-affinity" } }, NOVA_2_64)).server_group;
            const workerGroup = (await tenant.post("compute", "/os-server-groups", { server_group: { name: `${t.name}-workers`, policy: "soft-anti-affinity" } }, NOVA_2_64)).server_group;
            await tenant.post("compute", "/os-keypairs", { keypair: { name: t.keyPair } });
            const image = (await tenant.get("image", `/images?name=${t.image}`)).images[0];
            const flavorId = async (name: string) => (await tenant.get("compute", "/flavors")).flavors.find((f: { name: string }) => f.name === name).id as string;
            const nodes = [...plan.masters.map((n) => ({ ...n, role: "master", groups: ["nodes", "api", "ssh"], group: masterGroup.id, flavor: t.masters.flavor })), ...plan.workers.map((n) => ({ ...n, role: "worker", groups: ["nodes", "ssh"], group: workerGroup.id, flavor: t.workers.flavor }))];
            const ports = await timed("fixed-IP ports", () =>
                Promise.all(nodes.map(async (n) => (await tenant.post("network", "/ports", { port: { name: n.name, network_id: network.id, fixed_ips: [{ subnet_id: subnet.id, ip_address: n.address }], security_groups: n.groups.map((g) => groups[g]), admin_state_up: true } })).port)),
            );
            // All instances at once, as the engine creates them; Nova's late anti-affinity check reschedules collisions.
            const servers = await timed(`${nodes.length} servers ACTIVE`, async () => {
                const created = await Promise.all(
                    nodes.map(async (n, i) => {
                        const s = (await tenant.post("compute", "/servers", { server: { name: n.name, imageRef: image.id, flavorRef: await flavorId(n.flavor), key_name: t.keyPair, user_data: Buffer.from(cloudInit(n)).toString("base64"), networks: [{ port: ports[i].id }], metadata: { "osk-cluster": t.name, "osk-role": n.role } }, "os:scheduler_hints": { group: n.group } })).server;
                        return s.id as string;
                    }),
                );
                return Promise.all(created.map((id) => tenant.until(`server ${id} ACTIVE`, () => tenant.get("compute", `/servers/${id}`).then((r) => r.server), (s) => s.status === "ACTIVE" || s.status === "ERROR", 300)));
            });
            for (const s of servers) assert.equal(s.status, "ACTIVE", `${s.name}: ${JSON.stringify(s.fault ?? {})}`);

            const lb = await timed("load balancer ACTIVE", async () => {
                const created = (await tenant.post("load-balancer", "/lbaas/loadbalancers", { loadbalancer: { name: `${t.name}-api`, vip_subnet_id: subnet.id, vip_address: lbPlan.vipAddress } })).loadbalancer;
                return tenant.until("load balancer ACTIVE", () => tenant.get("load-balancer", `/lbaas/loadbalancers/${created.id}`).then((r) => r.loadbalancer), (l) => l.provisioning_status === "ACTIVE" || l.provisioning_status === "ERROR");
            });
            assert.equal(lb.provisioning_status, "ACTIVE");
            const lbActive = () => tenant.until("load balancer ACTIVE again", () => tenant.get("load-balancer", `/lbaas/loadbalancers/${lb.id}`).then((r) => r.loadbalancer.provisioning_status), (s) => s === "ACTIVE");
            const { pool, monitor } = await timed("listener, pool, monitor, members", async () => {
                const l = lbPlan.listener;
                const listener = (await tenant.post("load-balancer", "/lbaas/listeners", { listener: { name: `${t.name}-api`, loadbalancer_id: lb.id, protocol: l.protocol, protocol_port: l.port, allowed_cidrs: l.allowedCidrs, timeout_client_data: l.timeoutClientData, timeout_member_data: l.timeoutMemberData } })).listener;
                await lbActive();
                const pool = (await tenant.post("load-balancer", "/lbaas/pools", { pool: { name: `${t.name}-api`, listener_id: listener.id, protocol: lbPlan.pool.protocol, lb_algorithm: lbPlan.pool.lbMethod } })).pool;
                await lbActive();
                const m = lbPlan.monitor;
                const monitor = (await tenant.post("load-balancer", "/lbaas/healthmonitors", { healthmonitor: { name: `${t.name}-api`, pool_id: pool.id, type: m.type, delay: m.delay, timeout: m.timeout, max_retries: m.maxRetries, max_retries_down: m.maxRetriesDown } })).healthmonitor;
                await lbActive();
                for (const member of lbPlan.members) {
                    await tenant.post("load-balancer", `/lbaas/pools/${pool.id}/members`, { member: { name: member.name, address: member.address, protocol_port: member.port, subnet_id: subnet.id } });
                    await lbActive();
                }
                return { listener, pool, monitor };
            });
            const fip = await timed("floating IP on the VIP", async () => (await tenant.post("network", "/floatingips", { floatingip: { floating_network_id: external.id, port_id: lb.vip_port_id } })).floatingip);
            const volume = await timed("volume available", async () => {
                const v = (await tenant.post("volumev3", "/volumes", { volume: { name: `${t.name}-data`, size: 1, volume_type: t.storage.cinderClasses[0].volumeType } })).volume;
                return tenant.until("volume available", () => tenant.get("volumev3", `/volumes/${v.id}`).then((r) => r.volume), (x) => x.status === "available" || x.status === "error");
            });

            // What the APIs hold.
            const byName = new Map(ports.map((p) => [p.name, p]));
            for (const n of nodes) {
                const p = (await admin.get("network", `/ports/${byName.get(n.name)!.id}`)).port;
                assert.deepEqual(p.fixed_ips.map((f: { ip_address: string }) => f.ip_address), [n.address], `${n.name}'s fixed address`);
                assert.equal(p.status, "ACTIVE", `${n.name}'s port is bound and up`);
                assert.equal(p["binding:vif_type"], "ovs");
                assert.deepEqual([...p.security_groups].sort(), n.groups.map((g) => groups[g]).sort());
            }
            for (const role of SECURITY_GROUPS) {
                const got = (await tenant.get("network", `/security-group-rules?security_group_id=${groups[role]}&direction=ingress`)).security_group_rules.map((r: any) => `${r.protocol}:${r.port_range_min ?? ""}-${r.port_range_max ?? ""}:${r.remote_ip_prefix ?? `group:${Object.keys(groups).find((k) => groups[k] === r.remote_group_id)}`}`);
                const want = rules[role].map((r) => `${r.protocol}:${r.portRangeMin ?? ""}-${r.portRangeMax ?? ""}:${"cidr" in r.remote ? r.remote.cidr : `group:${r.remote.group}`}`);
                assert.deepEqual(got.sort(), want.sort(), `rules of ${role}`);
            }
            const hosts = await Promise.all(servers.map(async (s) => (await admin.get("compute", `/servers/${s.id}`, NOVA_2_64)).server["OS-EXT-SRV-ATTR:host"] as string));
            const masterHosts = hosts.slice(0, plan.masters.length);
            assert.equal(new Set(masterHosts).size, plan.masters.length, `masters on distinct hosts: ${masterHosts.join(", ")}`);
            assert.equal(new Set(servers.slice(0, plan.masters.length).map((s) => s.hostId)).size, plan.masters.length, "the tenant sees distinct hostIds too");
            const group = (await tenant.get("compute", `/os-server-groups/${masterGroup.id}`, NOVA_2_64)).server_group;
            assert.deepEqual([...group.members].sort(), servers.slice(0, plan.masters.length).map((s) => s.id).sort());
            assert.equal(lb.vip_address, plan.apiVip);
            assert.equal(lb.vip_subnet_id, subnet.id);
            const vipPort = (await admin.get("network", `/ports/${lb.vip_port_id}`)).port;
            assert.deepEqual(vipPort.fixed_ips, [{ subnet_id: subnet.id, ip_address: plan.apiVip }], "the VIP is a real Neutron port on the tenant subnet");
            assert.equal(vipPort.project_id, project.id);
            const members = (await tenant.get("load-balancer", `/lbaas/pools/${pool.id}/members`)).members.map((m: { address: string; protocol_port: number }) => `${m.address}:${m.protocol_port}`);
            assert.deepEqual(members.sort(), plan.masters.map((m) => `${m.address}:6443`).sort(), "members = the masters");
            const listener = (await tenant.get("load-balancer", `/lbaas/listeners?loadbalancer_id=${lb.id}`)).listeners[0];
            assert.deepEqual([...listener.allowed_cidrs].sort(), [...lbPlan.listener.allowedCidrs].sort());
            assert.equal((await tenant.get("load-balancer", `/lbaas/pools/${pool.id}`)).pool.healthmonitor_id, monitor.id, "the monitor is on the pool");
            assert.equal(fip.fixed_ip_address, plan.apiVip);
            assert.equal(fip.port_id, lb.vip_port_id);
            assert.equal(volume.status, "available");
            assert.equal(volume.volume_type, "lab-ssd");

            // Down again, in an order the APIs accept.
            await timed("delete everything", async () => {
                await tenant.del("network", `/floatingips/${fip.id}`);
                await tenant.del("volumev3", `/volumes/${volume.id}`);
                await tenant.del("load-balancer", `/lbaas/loadbalancers/${lb.id}?cascade=true`);
                await Promise.all(servers.map((s) => tenant.del("compute", `/servers/${s.id}`)));
                await Promise.all([...servers.map((s) => tenant.gone("compute", `/servers/${s.id}`)), tenant.gone("load-balancer", `/lbaas/loadbalancers/${lb.id}`), tenant.gone("volumev3", `/volumes/${volume.id}`)]);
                await Promise.all(ports.map((p) => tenant.del("network", `/ports/${p.id}`)));
                await tenant.put("network", `/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id });
                await tenant.del("network", `/routers/${router.id}`);
                await tenant.del("network", `/networks/${network.id}`);
                for (const g of Object.values(groups)) await tenant.del("network", `/security-groups/${g}`);
                await tenant.del("compute", `/os-server-groups/${masterGroup.id}`);
                await tenant.del("compute", `/os-server-groups/${workerGroup.id}`);
                await tenant.del("compute", `/os-keypairs/${t.keyPair}`);
            });
            assert.deepEqual(leftovers(await projectInventory(admin, project.id)), {}, "nothing is left in the project");
            assert.deepEqual((await tenant.get("compute", "/os-keypairs")).keypairs, []);
        } finally {
            say(times.join(", "));
            if (user) await admin.del("identity", `/users/${user.id}`);
            await admin.del("identity", `/projects/${project.id}`);
        }
        await admin.gone("identity", `/projects/${project.id}`);
    });

    it("keeps every generated secret out of the logs and off every command line", () => {
        const secrets = openstackSecrets(DIR);
        assert.ok(secrets.length >= 15, `${secrets.length} secrets`);
        const logs = join(DIR, "logs");
        const texts = readdirSync(logs).map((f) => ({ f, text: readFileSync(join(logs, f), "utf8") }));
        const cmdlines = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map((p) => {
            try {
                return readFileSync(`/proc/${p}/cmdline`, "utf8");
            } catch {
                return "";
            }
        });
        for (const s of secrets) {
            for (const { f, text } of texts) assert.ok(!text.includes(s), `a secret in ${f}`);
            assert.ok(!cmdlines.some((c) => c.includes(s)), "a secret on a command line");
        }
    });

    describe("the tenant infrastructure, converged by the real engine and OpenStack provider as the tenant's application credential", function () {
        let ws: Workspace;
        let t: TenantClusterConfig;
        let externalId: string;
        let projectId = "";
        const engine = (args: string[]) => pulumiRun(ws, [...args, "--non-interactive", "--stack", ws.stack]);
        const up = async () => {
            const out = await engine(["up", "--yes", "--skip-preview"]);
            assert.equal(out.code, 0, out.stdout.slice(-6000) + out.stderr.slice(-2000));
            return out;
        };
        const outputs = () => JSON.parse(pulumiSync(ws, ["stack", "output", "--json", "--show-secrets", "--stack", ws.stack]).stdout) as Record<string, any>;
        /** The steps a preview plans, as "op type name" (same-steps left out). */
        const planned = async () => {
            const out = await engine(["preview", "--json"]);
            assert.equal(out.code, 0, out.stdout.slice(-4000) + out.stderr.slice(-2000));
            const steps = (JSON.parse(out.stdout) as { steps?: { op: string; urn: string }[] }).steps ?? [];
            // "op type name", the type without its parents' (URN types are parent$child).
            return steps.filter((x) => x.op !== "same").map((x) => `${x.op} ${x.urn.split("::").slice(-2).map((part, i) => (i === 0 ? part.split("$").pop() : part)).join(" ")}`).sort();
        };
        const setTenant = (path: string, value: string) => {
            const out = pulumiSync(ws, ["config", "set", "--path", `osk:tenant.${path}`, value, "--stack", ws.stack]);
            assert.equal(out.code, 0, out.stderr);
            t = tenantSchema.parse(JSON.parse(pulumiSync(ws, ["config", "get", "osk:tenant", "--stack", ws.stack]).stdout)) as TenantClusterConfig;
        };
        const check = async () => assertMatchesPlan(await tenantView(admin, projectId, t), t, externalId);

        before(async function () {
            if (!providerPlugin()) {
                // Nothing to run these against: the engine would refuse every openstack resource.
                console.log("      SKIPPED: no pulumi-resource-openstack plugin in the engine's PULUMI_HOME (tools/toolchain.sh installs it)");
                this.skip();
            }
            ws = tenantWorkspace(join(LAB_OPENSTACK, "tenant-engine"), openstackAdmin(DIR).password);
            t = tenantOf(TENANT_STACK_FILE);
            externalId = (await admin.get("network", `/networks?name=${t.network.externalNetwork}`)).networks[0].id;
        });

        it("converges: every object exists with the properties the stack declares (asked of Neutron, Nova and Octavia)", async () => {
            const out = await up();
            say(`converge ${(out.ms / 1000).toFixed(1)} s; longest create per kind: ${perKindSeconds(out.stdout).map(([k, v]) => `${k.split(":").pop()} ${v} s`).join(", ")}`);
            projectId = outputs().projectId;
            await check();
        });

        it("plans nothing after the converge: preview --expect-no-changes and refresh find no drift", async () => {
            const preview = await engine(["preview", "--expect-no-changes"]);
            assert.equal(preview.code, 0, preview.stdout.slice(-4000));
            const refresh = await engine(["refresh", "--yes", "--expect-no-changes"]);
            assert.equal(refresh.code, 0, refresh.stdout.slice(-4000));
        });

        it("hands the other teams a clouds.yaml, the API address and the network ids that work against the lab's Keystone", async () => {
            const o = outputs();
            const doc = parseYaml(o.cloudsYaml) as { clouds: Record<string, { auth: { auth_url: string; application_credential_id: string; application_credential_secret: string } }> };
            const c = doc.clouds[t.name].auth;
            const consumer = await Cloud.login({ authUrl: c.auth_url, applicationCredentialId: c.application_credential_id, applicationCredentialSecret: c.application_credential_secret });
            assert.equal(consumer.projectId, projectId);
            assert.equal((await consumer.get("network", `/networks/${o.networkId}`)).network.name, t.name);
            assert.equal((await consumer.get("network", `/subnets/${o.subnetId}`)).subnet.cidr, t.network.nodes);
            const lb = (await consumer.get("load-balancer", `/lbaas/loadbalancers/${o.loadBalancerId}`)).loadbalancer;
            const fip = (await consumer.get("network", `/floatingips?floating_ip_address=${o.apiAddress}`)).floatingips[0];
            assert.equal(fip.port_id, lb.vip_port_id, "the API address is the floating IP on the VIP");
            const plain = pulumiSync(ws, ["stack", "output", "--json", "--stack", ws.stack]).stdout;
            assert.ok(!plain.includes(c.application_credential_secret), "the clouds.yaml output is secret");
        });

        it("grows the workers 2 -> 3: one instance, its port (and floating IP) added, nothing else touched", async () => {
            setTenant("workers.count", "3");
            const steps = await planned();
            const worker = `${t.name}-worker-3`;
            const want = [`create openstack:compute/instance:Instance tenant-${worker}`, `create openstack:networking/port:Port tenant-${worker}-port`];
            if (t.floatingIps) want.push(`create openstack:networking/floatingIp:FloatingIp tenant-${worker}-fip`, `create openstack:networking/floatingIpAssociate:FloatingIpAssociate tenant-${worker}-fip-association`);
            assert.deepEqual(steps, want.sort());
            await up();
            await check();
        });

        it("changes an allowed CIDR: the rule is replaced, the listener's allowed CIDRs updated in place, nothing else", async () => {
            setTenant("apiAllowedCidrs[0]", "10.0.0.0/16");
            assert.deepEqual(await planned(), [
                "create openstack:networking/secGroupRule:SecGroupRule tenant-rule-api-6443-10-0-0-0-16",
                "delete openstack:networking/secGroupRule:SecGroupRule tenant-rule-api-6443-10-0-0-0-8",
                "update openstack:loadbalancer/listener:Listener tenant-lb-listener",
            ]);
            await up();
            await check();
        });

        it("finds a rule an operator deleted by hand (refresh) and puts it back (up)", async () => {
            const view = await tenantView(admin, projectId, t);
            const victim = view.ruleIds.ssh[0];
            await admin.del("network", `/security-group-rules/${victim.id}`);
            const drift = await engine(["refresh", "--yes", "--expect-no-changes"]);
            assert.notEqual(drift.code, 0, "refresh reports the deleted rule as a change");
            assert.match(drift.stdout, /SecGroupRule.*tenant-rule-ssh-22/);
            await up();
            await check();
            const preview = await engine(["preview", "--expect-no-changes"]);
            assert.equal(preview.code, 0, preview.stdout.slice(-3000));
        });

        it("destroys everything: nothing of any kind left in the tenant project, and the project itself gone", async () => {
            const out = await engine(["destroy", "--yes"]);
            assert.equal(out.code, 0, out.stdout.slice(-6000));
            say(`destroy ${(out.ms / 1000).toFixed(1)} s`);
            assert.deepEqual(leftovers(await projectInventory(admin, projectId)), {});
            assert.equal((await admin.get("identity", `/projects?name=${t.project}`)).projects.length, 0);
            assert.equal((await admin.get("identity", `/users?name=${t.name}-cloud-provider`)).users.length, 0);
        });

        it("recovers an up killed with SIGKILL while instances are being created: the same set, no orphaned server, port or load balancer", async () => {
            // The display shortens the token (openstack:compute:Instance); either form, creating or just created.
            const killedAt = await killWhenCreating(ws, /openstack:compute(\/instance)?:Instance\s+\S+\s+(creating|created)/, 5000);
            // The dead run's credential comes from the stack's own state once the identity is recorded.
            const o = (() => {
                try {
                    return outputs();
                } catch {
                    return {};
                }
            })();
            const state = JSON.parse(pulumiSync(ws, ["stack", "export", "--show-secrets", "--stack", ws.stack]).stdout);
            const cred = (state.deployment.resources as { type: string; outputs?: Record<string, any> }[]).find((r) => r.type === "openstack:identity/applicationCredential:ApplicationCredential");
            assert.ok(cred?.outputs, `the application credential was recorded before the kill (${killedAt}; outputs ${Object.keys(o).join(",")})`);
            const secret = cred.outputs.secret as string | { plaintext: string };
            const tenant = await Cloud.login({ authUrl: OPENSTACK_KEYSTONE_URL, applicationCredentialId: cred.outputs.id, applicationCredentialSecret: typeof secret === "string" ? secret : (JSON.parse(secret.plaintext) as string) });
            projectId = tenant.projectId;
            const steps = await recoverAdopting(ws, (p) => findPending(tenant, p));
            say(`killed at: ${killedAt}; recovery: ${steps.map((x) => x.step).join("; ")}`);
            for (const x of steps) assert.equal(x.code, 0, `${x.step}: ${x.output.slice(-2000)}`);
            // What the dead run made is now the state's: the rerun only creates what is missing, replacing nothing.
            const rest = await planned();
            const changed = rest.filter((x) => !x.startsWith("create "));
            if (changed.length > 0) {
                const diff = await engine(["preview", "--diff"]);
                assert.fail(`after the recovery the up would ${changed.join(", ")}:\n${diff.stdout.split("\n").filter((l) => /^\s*[-+~]{1,3}\s|replace|=>/.test(l)).slice(0, 120).join("\n")}`);
            }
            await up();
            await check();
            const inventory = await projectInventory(admin, projectId);
            const plan = tenantAddressPlan(t);
            assert.equal(inventory.servers.length, plan.masters.length + plan.workers.length, `servers: ${inventory.servers.join(", ")}`);
            assert.equal(inventory.loadBalancers.length, 1);
            // Each node's port, the router's interface and gateway are the tenant's; the VIP port is Octavia's.
            const nodePorts = inventory.ports.filter((n) => n.startsWith(`${t.name}-`));
            assert.deepEqual(nodePorts, [...plan.masters, ...plan.workers].map((n) => n.name).sort());
            const out = await engine(["destroy", "--yes"]);
            assert.equal(out.code, 0, out.stdout.slice(-4000));
            assert.deepEqual(leftovers(await projectInventory(admin, projectId)), {});
        });

        after(async () => {
            if (!ws) return;
            // A failed test may leave the tenant up: destroy it, so its state is never dropped while OpenStack still
            // holds its objects (the next run would create them twice).
            const exported = JSON.parse(pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout || "{}") as { deployment?: { resources?: unknown[] } };
            if ((exported.deployment?.resources ?? []).length > 0) {
                const out = await engine(["destroy", "--yes"]);
                if (out.code !== 0) return say(`the tenant's destroy after a failure failed; its state is kept in ${join(LAB_OPENSTACK, "tenant-engine")}:\n${out.stdout.slice(-2000)}`);
            }
            ws.dispose();
        });
    });
});
