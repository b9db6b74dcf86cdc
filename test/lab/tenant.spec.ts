// Kubernetes on OpenStack end to end in the lab: one `pulumi up` of the lab-tenant-e2e stack (OSK's TenantCluster)
// takes a Keystone project to a running tenant cluster. The lab's real OpenStack, started with its instance hosts,
// boots a lab host for every instance Nova makes on the tenant network (the instance's name, fixed address and key
// pair) and serves the Octavia VIP with HAProxy; the same converge then builds the tenant's kubeadm control plane over
// SSH on those instances, behind that VIP, and its add-ons: the cloud controller and the Cinder CSI driver against
// the same OpenStack, and k8s-keystone-auth. Keystone users then log in to that cluster
// with their tokens: the real apiserver asks the real webhook, which asks the real Keystone. Then the destroy gives
// everything back in order: nothing left in OpenStack, Keystone or on a host.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { tenantAddressPlan } from "../../components/tenant/addresses";
import { webhookClusterIP } from "../../components/tenant/kubeadm";
import { UNINITIALIZED_TAINT } from "../../components/tenant/addons/manifests";
import { call, createUserWithRole, issueToken } from "../../tools/lib/keystone";
import { pulumiRun, pulumiSync, type Workspace } from "../../tools/engine/workspace";
import { binDir } from "../../tools/lab/lab";
import { LAB_OPENSTACK, openstackAdmin, tenantOf, TENANT_E2E_STACK_FILE } from "../../tools/lab/openstack/openstack";
import { layerDeletions, perKindSeconds, providerPlugin, type TimedLine } from "../../tools/lab/openstack/tenant";
import { convergeTenant, instanceHosts as labInstanceHosts, kubeconfigCluster, startTenantE2e, stopTenantE2e, tenantE2ePaths, TENANT_E2E_STACK as STACK, writeTenantKubeconfig } from "../../tools/lab/openstack/tenant-e2e";
import { Cloud, leftovers, projectInventory } from "./openstack/cloud";

const PATHS = tenantE2ePaths(LAB_OPENSTACK);
const DIR = PATHS.openstack;
const say = (m: string) => console.log(`      ${m}`);

const instanceHosts = () => labInstanceHosts(DIR);

/** Keystone people for the login proof, made by the lab's admin as a site's operators would (removed after it). */
const PEOPLE = { member: "lab-e2e-dev", admin: "lab-e2e-lead", outsider: "lab-e2e-outsider" } as const;
const ELSEWHERE = "lab-e2e-elsewhere";

describe("Kubernetes on OpenStack end to end: a Keystone project to a tenant cluster on the instances, in one converge", function () {
    this.timeout(40 * 60 * 1000);
    const t = tenantOf(TENANT_E2E_STACK_FILE);
    const plan = tenantAddressPlan(t);
    let admin: Cloud;
    let ws: Workspace;
    let projectId = "";
    let kubeconfig = "";
    const outputs = () => JSON.parse(pulumiSync(ws, ["stack", "output", "--json", "--show-secrets", "--stack", STACK]).stdout) as Record<string, any>;
    const kubectl = (args: string[]) => {
        const r = spawnSync(join(binDir(), "kubectl"), ["--kubeconfig", kubeconfig, "--request-timeout=10s", ...args], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
    };
    // The people's kubeconfigs: the cluster's VIP and CA, a Keystone token and nothing else (no client certificate).
    const tokens = mkdtempSync(join(tmpdir(), "osk-tenant-tokens-"));
    const session: string[] = [];
    let cluster: ReturnType<typeof kubeconfigCluster> | undefined;
    const asUser = (who: string, token: string, args: string[], logged = true) => {
        const file = join(tokens, who);
        const c = (cluster ??= kubeconfigCluster(kubeconfig));
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "tenant", cluster: c }], users: [{ name: who, user: { token } }], contexts: [{ name: who, context: { cluster: "tenant", user: who } }], "current-context": who }), { mode: 0o600 });
        const r = spawnSync(join(binDir(), "kubectl"), ["--kubeconfig", file, "--request-timeout=15s", ...args], { encoding: "utf8" });
        if (logged) session.push(`${who}$ kubectl ${args.join(" ")}`, ...`${r.stdout}${r.stderr}`.trim().split("\n").slice(0, 6).map((l) => `  ${l}`));
        return { ok: r.status === 0, out: r.stdout, err: r.stderr };
    };
    const people = new Map<string, { id: string; password: string }>();
    let elsewhere = "";
    /** Removes the proof's people and project from Keystone (idempotent: the after hook runs it too). */
    const removePeople = async () => {
        const a = openstackAdmin(DIR);
        const { token } = await issueToken(a);
        for (const [name, p] of people) {
            await call(a.authUrl, token, "DELETE", `/users/${p.id}`).catch(() => undefined);
            people.delete(name);
        }
        if (elsewhere) {
            await call(a.authUrl, token, "PATCH", `/projects/${elsewhere}`, { project: { enabled: false } }).catch(() => undefined);
            await call(a.authUrl, token, "DELETE", `/projects/${elsewhere}`).catch(() => undefined);
            elsewhere = "";
        }
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
        rmSync(tokens, { recursive: true, force: true });
        if (process.env.OSK_LAB_OPENSTACK_KEEP === "1") return say(`kept running (OSK_LAB_OPENSTACK_KEEP=1): tools/lab/openstack/openstack.sh stop ${DIR}`);
        await removePeople().catch((e: Error) => say(`removing the proof's Keystone users failed: ${e.message}`));
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

    it("converges identity, network, instances, load balancer, the kubeadm control plane on those instances and its add-ons in one up", async () => {
        const out = await convergeTenant(ws, LAB_OPENSTACK);
        assert.equal(out.code, 0, out.stdout.slice(-8000) + out.stderr.slice(-2000));
        say(`converge ${(out.ms / 1000).toFixed(1)} s, by layer: ${out.layers.map((l) => `${l.layer} ${l.seconds} s (${l.resources} resources)`).join(", ")}`);
        say(`longest create per kind: ${perKindSeconds(out.stdout).slice(0, 8).map(([k, v]) => `${k.split(":").pop()} ${v} s`).join(", ")}`);
        assert.deepEqual(out.layers.map((l) => l.layer), ["identity", "infrastructure", "control plane", "add-ons", "drain"]);
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

    it("runs kube-proxy, the Cinder CSI node plugin on every node, the cloud controller on the masters, the CSI and snapshot controllers, k8s-keystone-auth on two nodes", async () => {
        const nodes = plan.masters.length + plan.workers.length;
        // The last node joined moments ago: its DaemonSet pods may still be starting (the converge waits for OSK's
        // own workloads, not for kubeadm's kube-proxy on every node).
        const ready = (kind: string, name: string, field: string, want: number) =>
            admin.until(`${kind} ${name}: ${field} ${want}`, async () => JSON.parse(kubectl(["get", kind, name, "-n", "kube-system", "-o", "json"])).status?.[field], (n) => n === want, 120);
        await ready("daemonset", "kube-proxy", "numberReady", nodes);
        await ready("daemonset", "csi-cinder-nodeplugin", "numberReady", nodes);
        await ready("daemonset", "openstack-cloud-controller-manager", "numberReady", plan.masters.length);
        await ready("deployment", "csi-cinder-controllerplugin", "readyReplicas", 1);
        await ready("deployment", "snapshot-controller", "readyReplicas", 1);
        await ready("deployment", "k8s-keystone-auth", "readyReplicas", 2);
        const pods = JSON.parse(kubectl(["get", "pods", "-n", "kube-system", "-l", "app.kubernetes.io/name=k8s-keystone-auth", "-o", "json"])).items as { spec: { nodeName: string } }[];
        assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 2, "the two replicas on different nodes");
        assert.equal(JSON.parse(kubectl(["get", "service", "k8s-keystone-auth", "-n", "kube-system", "-o", "json"])).spec.clusterIP, webhookClusterIP(t));
        say(kubectl(["get", "pods", "-n", "kube-system", "-o", "wide"]).trim().split("\n").join("\n      "));
    });

    it("has every node initialised by the cloud controller from Nova: provider ID, flavor, zone, the uninitialized taint gone", async () => {
        const servers = new Map(
            ((await admin.get("compute", `/servers/detail?all_tenants=1&project_id=${projectId}`)).servers as { id: string; name: string; flavor: { id: string }; "OS-EXT-AZ:availability_zone": string }[]).map((s) => [s.name, s]),
        );
        const flavors = new Map(((await admin.get("compute", "/flavors")).flavors as { id: string; name: string }[]).map((f) => [f.id, f.name]));
        const nodes = JSON.parse(kubectl(["get", "nodes", "-o", "json"])).items as { metadata: { name: string; labels: Record<string, string> }; spec: { providerID?: string; taints?: { key: string }[] } }[];
        for (const n of nodes) {
            const server = servers.get(n.metadata.name);
            assert.ok(server, `node ${n.metadata.name} is a Nova instance of the project`);
            assert.equal(n.spec.providerID, `openstack:///${server.id}`, `${n.metadata.name}: the cloud controller's provider ID is the instance's`);
            assert.ok(!(n.spec.taints ?? []).some((x) => x.key === UNINITIALIZED_TAINT), `${n.metadata.name}: no longer waits for the cloud controller`);
            const flavor = flavors.get(server.flavor.id) ?? (server.flavor as { original_name?: string }).original_name;
            assert.equal(n.metadata.labels["node.kubernetes.io/instance-type"], flavor, `${n.metadata.name}: its flavor`);
            assert.equal(n.metadata.labels["topology.kubernetes.io/zone"], server["OS-EXT-AZ:availability_zone"], `${n.metadata.name}: its availability zone`);
        }
        say(kubectl(["get", "nodes", "-L", "node.kubernetes.io/instance-type,topology.kubernetes.io/zone", "-o", "custom-columns=NAME:.metadata.name,PROVIDER:.spec.providerID,FLAVOR:.metadata.labels.node\\.kubernetes\\.io/instance-type,ZONE:.metadata.labels.topology\\.kubernetes\\.io/zone"]).trim().split("\n").join("\n      "));
    });

    it("gives a claim a Cinder volume and a VolumeSnapshot a Cinder snapshot in the tenant's project, through the Cinder CSI driver", async () => {
        const ns = "osk-e2e-storage";
        const apply = (obj: unknown) => {
            const file = join(tokens, "object.json");
            writeFileSync(file, JSON.stringify(obj));
            kubectl(["apply", "-f", file]);
        };
        apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
        // No class named: the tenant's default Cinder class.
        apply({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: ns }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
        const claim = await admin.until("the claim Bound", async () => JSON.parse(kubectl(["get", "pvc", "data", "-n", ns, "-o", "json"])), (c) => c.status?.phase === "Bound");
        assert.equal(claim.spec.storageClassName, "standard");
        const pv = JSON.parse(kubectl(["get", "pv", claim.spec.volumeName, "-o", "json"]));
        assert.equal(pv.spec.csi.driver, "cinder.csi.openstack.org");
        const volumes = (await admin.get("volumev3", `/volumes/detail?all_tenants=1&project_id=${projectId}`)).volumes as { id: string; name: string; status: string; size: number; metadata: Record<string, string> }[];
        const volume = volumes.find((v) => v.id === pv.spec.csi.volumeHandle);
        assert.ok(volume, `Cinder has the volume ${pv.spec.csi.volumeHandle} in the tenant's project (it has: ${volumes.map((v) => v.id).join(", ")})`);
        assert.equal(volume.name, pv.metadata.name);
        assert.equal(volume.size, 1);
        assert.equal(volume.status, "available");
        assert.equal(volume.metadata["cinder.csi.openstack.org/cluster"], t.name, "tagged with the cluster it belongs to");

        apply({ apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", metadata: { name: "data-before-upgrade", namespace: ns }, spec: { source: { persistentVolumeClaimName: "data" } } });
        const snap = await admin.until("the snapshot ready", async () => JSON.parse(kubectl(["get", "volumesnapshot", "data-before-upgrade", "-n", ns, "-o", "json"])), (x) => x.status?.readyToUse === true);
        assert.equal(snap.spec.volumeSnapshotClassName, "standard", "the default snapshot class");
        const content = JSON.parse(kubectl(["get", "volumesnapshotcontent", snap.status.boundVolumeSnapshotContentName, "-o", "json"]));
        const snapshots = (await admin.get("volumev3", `/snapshots/detail?all_tenants=1&project_id=${projectId}`)).snapshots as { id: string; volume_id: string; status: string }[];
        const cut = snapshots.find((x) => x.id === content.status.snapshotHandle);
        assert.ok(cut, `Cinder has the snapshot ${content.status.snapshotHandle}`);
        assert.equal(cut.volume_id, volume.id);
        assert.equal(cut.status, "available");
        say(`claim ${ns}/data -> Cinder volume ${volume.id} (${volume.status}); snapshot data-before-upgrade -> Cinder snapshot ${cut.id} (${cut.status})`);
        // Both stay for the destroy: its drain must give them back before the cluster goes.
    });

    it("lets Keystone users in with their tokens through the VIP: a member lists pods only, another project is refused, the project's admin does everything", async () => {
        const a = openstackAdmin(DIR);
        const { token: adminToken } = await issueToken(a);
        elsewhere = (await call<{ project: { id: string } }>(a.authUrl, adminToken, "POST", "/projects", { project: { name: ELSEWHERE, domain_id: "default" } }))!.project.id;
        const grant = async (name: string, project: string, role: string) => {
            const password = randomBytes(18).toString("base64url");
            people.set(name, { id: await createUserWithRole(a.authUrl, adminToken, { name, password, projectId: project, role }), password });
        };
        await grant(PEOPLE.member, projectId, "member");
        await grant(PEOPLE.admin, projectId, "admin");
        await grant(PEOPLE.outsider, elsewhere, "member");
        const token = async (name: string, project: string) => (await issueToken({ authUrl: a.authUrl, username: name, password: people.get(name)!.password, projectName: project })).token;
        const member = await token(PEOPLE.member, t.project);
        const admin = await token(PEOPLE.admin, t.project);
        const outsider = await token(PEOPLE.outsider, ELSEWHERE);

        // A pod for the member to look at and fail to delete, made by the project's admin.
        const probe = ["run", "osk-e2e-probe", "-n", "default", "--image=registry.k8s.io/pause:3.10", "--restart=Never"];
        const made = asUser(PEOPLE.admin, admin, probe);
        assert.ok(made.ok, `the project's admin creates a pod: ${made.err}`);

        asUser(PEOPLE.member, member, ["auth", "whoami"]);
        const whoami = asUser(PEOPLE.member, member, ["auth", "whoami", "-o", "json"], false);
        assert.ok(whoami.ok, whoami.err);
        const user = JSON.parse(whoami.out).status.userInfo as { username: string; groups: string[]; extra: Record<string, string[]> };
        assert.equal(user.username, PEOPLE.member, "the apiserver knows the member by the Keystone user name");
        assert.deepEqual(user.extra["alpha.kubernetes.io/identity/project/name"], [t.project]);
        assert.ok(user.extra["alpha.kubernetes.io/identity/roles"].includes("member"));

        const listed = asUser(PEOPLE.member, member, ["get", "pods", "-n", "default"]);
        assert.ok(listed.ok, `member lists pods: ${listed.err}`);
        assert.match(listed.out, /osk-e2e-probe/);
        const secrets = asUser(PEOPLE.member, member, ["get", "secrets", "-n", "kube-system"]);
        assert.ok(!secrets.ok && /Forbidden/.test(secrets.err), `member may not read Secrets: ${secrets.out}${secrets.err}`);
        const remove = asUser(PEOPLE.member, member, ["delete", "pod", "osk-e2e-probe", "-n", "default", "--wait=false"]);
        assert.ok(!remove.ok && /Forbidden/.test(remove.err), `member may not delete pods: ${remove.out}${remove.err}`);

        const other = asUser(PEOPLE.outsider, outsider, ["get", "pods", "-n", "default"]);
        assert.ok(!other.ok && /Forbidden/.test(other.err), `a user of another project is refused: ${other.out}${other.err}`);
        const forged = asUser("nobody", "gAAAAA-not-a-keystone-token", ["get", "pods", "-n", "default"]);
        assert.ok(!forged.ok && /Unauthorized|must be logged in/.test(forged.err), `a token Keystone does not know is not even authenticated: ${forged.err}`);

        const adminSecrets = asUser(PEOPLE.admin, admin, ["get", "secrets", "-n", "kube-system"]);
        assert.ok(adminSecrets.ok, `the project's admin reads Secrets: ${adminSecrets.err}`);
        const adminDelete = asUser(PEOPLE.admin, admin, ["delete", "pod", "osk-e2e-probe", "-n", "default", "--wait=false"]);
        assert.ok(adminDelete.ok, `the project's admin deletes the pod: ${adminDelete.err}`);
        say(`the session:\n        ${session.join("\n        ")}`);
    });

    it("with sync on, turns the project into a namespace and the users' role assignments into RoleBindings", () => {
        const ns = `${t.project}-${projectId}`;
        const namespaces = JSON.parse(kubectl(["get", "namespaces", "-o", "json"])).items.map((n: { metadata: { name: string } }) => n.metadata.name) as string[];
        assert.ok(namespaces.includes(ns), `namespace ${ns} among ${namespaces.join(", ")}`);
        // k8s-keystone-auth syncs at every login, whatever the policy allows: the other project's user got one too.
        say(`synced namespaces: ${namespaces.filter((n) => n.startsWith("lab-e2e-")).join(", ")}`);
        const bindings = JSON.parse(kubectl(["get", "rolebindings", "-n", ns, "-o", "json"])).items as { metadata: { name: string }; roleRef: { name: string }; subjects: { name: string }[] }[];
        const seen = bindings.map((b) => `${b.subjects.map((x) => x.name).join()} -> ${b.roleRef.name}`).sort();
        // Keystone's implied roles come along: admin implies member, member implies reader.
        assert.deepEqual(seen, [`${PEOPLE.admin} -> admin`, `${PEOPLE.admin} -> member`, `${PEOPLE.admin} -> reader`, `${PEOPLE.member} -> member`, `${PEOPLE.member} -> reader`].sort());
        for (const b of bindings) assert.match(b.metadata.name, new RegExp(`^(${people.get(PEOPLE.member)!.id}|${people.get(PEOPLE.admin)!.id})_`));
        say(kubectl(["get", "rolebindings", "-n", ns, "-o", "wide"]).trim().split("\n").join("\n      "));
    });

    it("destroys in order, the drain first, then the add-ons, the cluster, every OpenStack object and the identity, and every instance host", async () => {
        await removePeople();
        const lines: TimedLine[] = [];
        const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", STACK], (line) => lines.push({ at: Date.now(), line }));
        assert.equal(out.code, 0, out.stdout.slice(-6000));
        const spans = layerDeletions(lines);
        say(`destroy ${(out.ms / 1000).toFixed(1)} s: ${spans.map((l) => `${l.layer} ${((l.to - l.from) / 1000).toFixed(1)} s (${l.resources})`).join(", ")}`);
        assert.deepEqual(spans.map((l) => l.layer), ["drain", "add-ons", "control plane", "infrastructure", "identity"]);
        for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1].to <= spans[i].from, `${spans[i - 1].layer} is gone before ${spans[i].layer} starts going`);
        assert.deepEqual(leftovers(await projectInventory(admin, projectId)), {});
        assert.equal((await admin.get("identity", `/projects?name=${t.project}`)).projects.length, 0);
        for (const name of [...Object.values(PEOPLE), `${t.name}-cloud-provider`]) assert.equal((await admin.get("identity", `/users?name=${name}`)).users.length, 0, `no user ${name} is left`);
        assert.equal((await admin.get("identity", `/projects?name=${ELSEWHERE}`)).projects.length, 0);
        assert.deepEqual(instanceHosts(), [], "Nova's deletes removed every instance host");
        const netns = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
        assert.doesNotMatch(netns, /osk-lb-|osk-lab-e2e-/, "no amphora or instance namespace is left");
    });
});
