// Kubernetes on OpenStack end to end in the lab: one `pulumi up` of the lab-tenant-e2e stack takes a Keystone
// project to a running tenant cluster. The lab's real OpenStack, started with its instance hosts, boots a lab host
// for every instance Nova makes on the tenant network (the instance's name, fixed address and key pair) and serves the
// Octavia VIP with HAProxy; the same converge then builds the tenant's kubeadm control plane over SSH on those
// instances, behind that VIP. Then the destroy gives everything back: nothing left in OpenStack, Keystone or on a host.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { rmSync } from "fs";
import { join } from "path";
import { tenantAddressPlan } from "../../components/tenant/addresses";
import { pulumiRun, pulumiSync, type Workspace } from "../../tools/engine/workspace";
import { binDir } from "../../tools/lab/lab";
import { LAB_OPENSTACK, openstackAdmin, tenantOf, TENANT_E2E_STACK_FILE } from "../../tools/lab/openstack/openstack";
import { perKindSeconds, providerPlugin } from "../../tools/lab/openstack/tenant";
import { convergeTenant, instanceHosts as labInstanceHosts, startTenantE2e, stopTenantE2e, tenantE2ePaths, TENANT_E2E_STACK as STACK, writeTenantKubeconfig } from "../../tools/lab/openstack/tenant-e2e";
import { Cloud, leftovers, projectInventory } from "./openstack/cloud";

const PATHS = tenantE2ePaths(LAB_OPENSTACK);
const DIR = PATHS.openstack;
const say = (m: string) => console.log(`      ${m}`);

const instanceHosts = () => labInstanceHosts(DIR);

describe("Kubernetes on OpenStack end to end: a Keystone project to a tenant cluster on the instances, in one converge", function () {
    this.timeout(40 * 60 * 1000);
    const t = tenantOf(TENANT_E2E_STACK_FILE);
    const plan = tenantAddressPlan(t);
    let admin: Cloud;
    let ws: Workspace;
    let projectId = "";
    let kubeconfig = "";
    const engine = (args: string[]) => pulumiRun(ws, [...args, "--non-interactive", "--stack", STACK]);
    const outputs = () => JSON.parse(pulumiSync(ws, ["stack", "output", "--json", "--show-secrets", "--stack", STACK]).stdout) as Record<string, any>;
    const kubectl = (args: string[]) => {
        const r = spawnSync(join(binDir(), "kubectl"), ["--kubeconfig", kubeconfig, "--request-timeout=10s", ...args], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
    };

    before(async function () {
        if (!providerPlugin()) {
            console.log("      SKIPPED: no pulumi-resource-openstack plugin in the engine's PULUMI_HOME (tools/toolchain.sh installs it)");
            this.skip();
        }
        const started = startTenantE2e(LAB_OPENSTACK);
        say(`lab OpenStack with instance hosts up in ${started.startSeconds.toFixed(0)} s (${started.phases.join("; ")})`);
        ws = started.ws;
        admin = await Cloud.login(openstackAdmin(DIR));
    });

    after(async function () {
        if (process.env.OSK_LAB_OPENSTACK_KEEP === "1") return say(`kept running (OSK_LAB_OPENSTACK_KEEP=1): tools/lab/openstack/openstack.sh stop ${DIR}`);
        // Whatever happened above: a stack left up is destroyed, then every process the lab started goes, by PID.
        await stopTenantE2e(ws, LAB_OPENSTACK);
        assert.deepEqual(instanceHosts(), [], "no instance host is left");
        const failed = this.test?.parent?.tests.some((x) => x.state === "failed");
        if (!failed) {
            ws?.dispose();
            // The converge log and the (now dead) cluster's admin kubeconfig too: nothing of the part stays behind.
            for (const path of [DIR, PATHS.log, PATHS.kubeconfig]) rmSync(path, { recursive: true, force: true });
        } else say(`state and logs kept in ${DIR}`);
    });

    it("converges identity, network, instances, load balancer and the kubeadm control plane on those instances in one up", async () => {
        const out = await convergeTenant(ws, LAB_OPENSTACK);
        assert.equal(out.code, 0, out.stdout.slice(-8000) + out.stderr.slice(-2000));
        say(`converge ${(out.ms / 1000).toFixed(1)} s, by layer: ${out.layers.map((l) => `${l.layer} ${l.seconds} s (${l.resources} resources)`).join(", ")}`);
        say(`longest create per kind: ${perKindSeconds(out.stdout).slice(0, 8).map(([k, v]) => `${k.split(":").pop()} ${v} s`).join(", ")}`);
        assert.deepEqual(out.layers.map((l) => l.layer), ["identity", "infrastructure", "control plane"]);
        const o = outputs();
        projectId = o.projectId;
        assert.equal(o.apiVip, plan.apiVip);
        kubeconfig = writeTenantKubeconfig(ws, LAB_OPENSTACK);
        assert.match(o.kubeconfig, new RegExp(`server: https://${plan.apiVip.replace(/\./g, "\\.")}:6443`));
    });

    it("boots one lab host per instance: Nova's names and fixed addresses, the key pair's login", async () => {
        const servers = (await admin.get("compute", `/servers/detail?all_tenants=1&project_id=${projectId}`)).servers as { name: string; status: string; addresses: Record<string, { addr: string }[]> }[];
        const expected = [...plan.masters, ...plan.workers].map((n) => `${n.name} ${n.address}`).sort();
        assert.deepEqual(servers.map((s) => `${s.name} ${Object.values(s.addresses).flat()[0].addr}`).sort(), expected, "Nova's instances are the plan's");
        assert.ok(servers.every((s) => s.status === "ACTIVE"));
        assert.deepEqual(instanceHosts(), expected, "a lab host per instance, named and addressed as Nova has it");
    });

    it("has the instances as the tenant cluster's nodes, all Ready, reached through the Octavia VIP", () => {
        const nodes = JSON.parse(kubectl(["get", "nodes", "-o", "json"])) as { items: { metadata: { name: string }; status: { addresses: { type: string; address: string }[]; conditions: { type: string; status: string }[] } }[] };
        const seen = nodes.items.map((n) => `${n.metadata.name} ${n.status.addresses.find((a) => a.type === "InternalIP")?.address}`).sort();
        assert.deepEqual(seen, [...plan.masters, ...plan.workers].map((n) => `${n.name} ${n.address}`).sort());
        for (const n of nodes.items) assert.equal(n.status.conditions.find((c) => c.type === "Ready")?.status, "True", `${n.metadata.name} is Ready`);
        say(kubectl(["get", "nodes", "-o", "wide"]).trim().split("\n").join("\n      "));
    });

    it("destroys everything: the cluster, then every OpenStack object, the identity, and every instance host", async () => {
        const out = await engine(["destroy", "--yes"]);
        assert.equal(out.code, 0, out.stdout.slice(-6000));
        say(`destroy ${(out.ms / 1000).toFixed(1)} s`);
        assert.deepEqual(leftovers(await projectInventory(admin, projectId)), {});
        assert.equal((await admin.get("identity", `/projects?name=${t.project}`)).projects.length, 0);
        assert.deepEqual(instanceHosts(), [], "Nova's deletes removed every instance host");
        const netns = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
        assert.doesNotMatch(netns, /osk-lb-|osk-lab-e2e-/, "no amphora or instance namespace is left");
    });
});
