// Tier 3: the lab converges for real. A Kubernetes API with kwok nodes, a real Keystone and a local chart
// repository on loopback; `pulumi up` of the lab stack; then the cluster and Keystone are asked, through their own
// APIs, whether they hold what the stack says; then destroy and teardown must leave nothing behind.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { call, issueToken } from "../../components/keystone/api";
import { recover } from "../../tools/engine/recover";
import { policyArgs, pulumiRun, pulumiSync, type Workspace } from "../../tools/engine/workspace";
import { converge, down, helm, KEYSTONE_PORT, kubectl, LAB, labNodes, labWorkspace, startServices } from "../../tools/lab/lab";

/** Plaintext of every secret output of OSK's own resources, from `pulumi stack export --show-secrets`. */
function secretsInState(revealedExport: string): string[] {
    const doc = JSON.parse(revealedExport) as { deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] } };
    const out: string[] = [];
    for (const r of doc.deployment.resources ?? []) {
        if (!/^pulumi-nodejs:dynamic\/(secrets|keystone):/.test(r.type)) continue;
        for (const key of ["value", "secret"]) {
            const v = r.outputs?.[key] as { plaintext?: string } | string | undefined;
            const text = typeof v === "object" && v?.plaintext !== undefined ? (JSON.parse(v.plaintext) as string) : v;
            if (typeof text === "string" && text.length >= 16) out.push(text);
        }
    }
    return out;
}

/** Starts `pulumi up` and SIGKILLs its whole process tree as soon as the first Helm release is created. */
async function killConvergeMidway(ws: Workspace): Promise<string> {
    const child = spawn("pulumi", ["up", "--yes", "--non-interactive", "--skip-preview", "--stack", "lab"], { cwd: ws.dir, env: ws.env });
    let out = "";
    let killed = "";
    child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n").find((l) => /helm\.sh\/v3:Release \S+ created/.test(l));
        if (line && !killed) {
            killed = line.trim();
            for (const pid of processTree(child.pid!)) {
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // already gone
                }
            }
        }
    });
    await new Promise((r) => child.on("close", r));
    if (!killed) throw new Error(`the converge finished before it could be killed:\n${out.slice(-3000)}`);
    return killed;
}

/** A process and all its descendants (plugins run in process groups of their own). */
function processTree(root: number): number[] {
    const ps = spawnSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).stdout.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    const out = [root];
    for (let i = 0; i < out.length; i++) for (const [pid, ppid] of ps) if (ppid === out[i]) out.push(pid);
    return out;
}

const json = (args: string[]) => JSON.parse(kubectl([...args, "-o", "json"])) as { items: any[] };

describe("the lab (real Kubernetes API, kwok nodes, real Keystone)", function () {
    this.timeout(40 * 60 * 1000);
    let ws: Workspace;
    let convergeLog = "";
    const keystoneAuth = () => ({ authUrl: `http://127.0.0.1:${KEYSTONE_PORT}/v3`, username: "admin", password: readFileSync(join(LAB, "keystone", "admin-password"), "utf8").trim(), projectName: "admin" });

    let killedAfter = "";
    const recovery: ReturnType<typeof recover> = [];

    before(async () => {
        startServices();
        ws = labWorkspace();
        // The first converge is killed with SIGKILL once Helm releases are being installed; the recovery is the
        // documented one (./osk recover): cancel, refresh importing or clearing what the dead run left pending, up.
        killedAfter = await killConvergeMidway(ws);
        recovery.push(
            ...recover(ws, {
                namespaces: ["openstack"],
                list: () => JSON.parse(helm(["list", "-A", "-a", "-o", "json"])) as { name: string; namespace: string }[],
                uninstall: (name, namespace) => void helm(["uninstall", name, "-n", namespace, "--wait"]),
            }),
        );
        const out = await converge(ws);
        convergeLog = out.stdout + out.stderr;
        recovery.push({ step: "up", code: out.code, output: convergeLog });
        assert.equal(out.code, 0, convergeLog.slice(-6000));
    });

    it("recovers a converge killed with SIGKILL midway: cancel, refresh, up", () => {
        assert.match(killedAfter, /Release/, "the run was killed while releases were being installed");
        // Where the kill lands varies: pending creates in state, releases Helm installed before anything was
        // written, or a checkpoint cut mid-write. Each run must have left at least one of them to recover.
        const steps = recovery.map((r) => r.step).join("\n");
        console.log(`      killed at: ${killedAfter}\n      recovery: ${recovery.map((r) => r.step).join("; ")}`);
        assert.match(steps, /refresh \([1-9]\d* pending|unrecorded releases removed: (?!none)|checkpoint was truncated/, steps);
        for (const r of recovery) assert.equal(r.code, 0, `${r.step}: ${r.output.slice(-2000)}`);
    });

    after(async () => {
        // Teardown runs even when a test failed, so no process outlives the run.
        if (existsSync(LAB)) await down();
    });

    it("has nothing left to do: a preview after converge shows no change", async () => {
        const out = await pulumiRun(ws, ["preview", "--expect-no-changes", "--non-interactive", "--stack", "lab", ...policyArgs(ws)]);
        assert.equal(out.code, 0, out.stdout.slice(-4000) + out.stderr);
    });

    it("finds no drift on refresh", async () => {
        const out = await pulumiRun(ws, ["refresh", "--expect-no-changes", "--yes", "--non-interactive", "--stack", "lab"]);
        assert.equal(out.code, 0, out.stdout.slice(-4000) + out.stderr);
    });

    it("labels the right kwok nodes", () => {
        const nodes = Object.fromEntries(json(["get", "nodes"]).items.map((n) => [n.metadata.name, n.metadata.labels]));
        assert.deepEqual(Object.keys(nodes).sort(), [...labNodes()].sort());
        assert.equal(nodes["lab-ctl-1"]["openstack-control-plane"], "enabled");
        assert.equal(nodes["lab-ctl-1"]["openstack-compute-node"], undefined);
        for (const c of ["lab-cmp-1", "lab-cmp-2"]) {
            assert.equal(nodes[c]["openstack-compute-node"], "enabled");
            assert.equal(nodes[c].openvswitch, "enabled");
            assert.equal(nodes[c]["openstack-control-plane"], undefined);
        }
        assert.equal(nodes["lab-cmp-2"]["topology.kubernetes.io/zone"], "lab-b");
    });

    it("deploys every release, with its pods Ready on nodes of the right role and its hook Jobs complete", () => {
        const releases = JSON.parse(helm(["list", "-A", "-o", "json"])) as { name: string; status: string }[];
        const expected = ["general", "mariadb", "rabbitmq", "memcached", "openvswitch", "libvirt", "keystone", "glance", "placement", "nova", "neutron", "horizon"];
        assert.deepEqual(releases.map((r) => r.name).sort(), [...expected].sort());
        for (const r of releases) assert.equal(r.status, "deployed", r.name);

        const nodes = Object.fromEntries(json(["get", "nodes"]).items.map((n) => [n.metadata.name, n.metadata.labels]));
        const pods = json(["get", "pods", "-n", "openstack"]).items;
        assert.ok(pods.length > 10);
        for (const p of pods) {
            if (p.metadata.ownerReferences?.[0]?.kind === "Job") {
                assert.equal(p.status.phase, "Succeeded", p.metadata.name);
                continue;
            }
            assert.ok(p.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"), `${p.metadata.name} not Ready`);
            for (const [k, v] of Object.entries(p.spec.nodeSelector ?? {})) assert.equal(nodes[p.spec.nodeName]?.[k], v, `${p.metadata.name} on ${p.spec.nodeName}`);
        }
        const computePods = pods.filter((p) => /^(nova-compute|libvirt)/.test(p.metadata.name));
        assert.ok(computePods.length >= 2 && computePods.every((p) => p.spec.nodeName.startsWith("lab-cmp-")));
        const hooks = json(["get", "jobs", "-n", "openstack"]).items.filter((j) => j.metadata.annotations?.["helm.sh/hook"]);
        assert.ok(hooks.length >= 10, `hook jobs: ${hooks.length}`);
        for (const j of hooks) assert.ok((j.status.succeeded ?? 0) >= 1, `${j.metadata.name} did not complete`);
    });

    it("puts service passwords in Secrets, never in ConfigMaps", () => {
        const configMaps = kubectl(["get", "configmaps", "-n", "openstack", "-o", "yaml"]);
        const passwords = secretsInState(pulumiSync(ws, ["stack", "export", "--show-secrets", "--stack", "lab"]).stdout);
        assert.ok(passwords.length > 10, `found ${passwords.length} generated values in state`);
        for (const p of passwords) assert.ok(!configMaps.includes(p), "a generated credential sits in a ConfigMap");
        const secretData = json(["get", "secrets", "-n", "openstack"])
            .items.flatMap((sec) => Object.values((sec.data ?? {}) as Record<string, string>))
            .map((v) => Buffer.from(v, "base64").toString("utf8"))
            .join("\n");
        assert.ok(passwords.filter((p) => secretData.includes(p)).length >= 5, "credentials reach the cluster as Secrets");
    });

    it("holds the tenant identity in Keystone: project, service user with its role, application credential", async () => {
        const a = keystoneAuth();
        const { token } = await issueToken(a);
        const projects = await call<{ projects: { id: string }[] }>(a.authUrl, token, "GET", "/projects?name=lab-apps");
        assert.equal(projects?.projects.length, 1);
        const users = await call<{ users: { id: string }[] }>(a.authUrl, token, "GET", "/users?name=lab-apps-cloud-provider");
        assert.equal(users?.users.length, 1);
        const roles = await call<{ role_assignments: unknown[] }>(a.authUrl, token, "GET", `/role_assignments?scope.project.id=${projects!.projects[0].id}&user.id=${users!.users[0].id}`);
        assert.equal(roles?.role_assignments.length, 1);
        const creds = await call<{ application_credentials: unknown[] }>(a.authUrl, token, "GET", `/users/${users!.users[0].id}/application_credentials`);
        assert.equal(creds?.application_credentials.length, 1);
    });

    it("keeps every generated secret out of the state export, the outputs and the logs", () => {
        const plain = pulumiSync(ws, ["stack", "export", "--stack", "lab"]).stdout;
        const revealed = pulumiSync(ws, ["stack", "export", "--show-secrets", "--stack", "lab"]).stdout;
        const outputs = pulumiSync(ws, ["stack", "output", "--json", "--stack", "lab"]).stdout;
        const secrets = secretsInState(revealed);
        secrets.push(readFileSync(join(LAB, "keystone", "admin-password"), "utf8").trim());
        assert.ok(secrets.length > 10);
        for (const s of secrets) {
            assert.ok(!plain.includes(s), "a secret in plaintext in the state export");
            assert.ok(!outputs.includes(s), "a secret in the stack outputs");
            assert.ok(!convergeLog.includes(s), "a secret in the converge log");
        }
    });

    it("destroys everything it created, in the cluster and in Keystone, and the teardown leaves no process", async () => {
        const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", "lab"]);
        assert.equal(out.code, 0, out.stdout.slice(-4000));
        assert.deepEqual(json(["get", "all", "-n", "openstack", "-l", "app.kubernetes.io/managed-by=Helm"]).items.map((i) => i.metadata.name), []);
        const nodes = json(["get", "nodes"]).items;
        for (const n of nodes) for (const l of ["openstack-control-plane", "openstack-compute-node", "openvswitch"]) assert.equal(n.metadata.labels[l], undefined, `${n.metadata.name} keeps ${l}`);
        const a = keystoneAuth();
        const { token } = await issueToken(a);
        const projects = await call<{ projects: { name: string }[] }>(a.authUrl, token, "GET", "/projects");
        assert.deepEqual(projects!.projects.map((p) => p.name), ["admin"]);
        const users = await call<{ users: { name: string }[] }>(a.authUrl, token, "GET", "/users");
        assert.deepEqual(users!.users.map((u) => u.name), ["admin"]);

        await down();
        const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" }).stdout;
        for (const needle of [LAB, "kwok ", "kube-apiserver", "keystone-wsgi", "chart-server.ts"]) {
            assert.ok(!ps.split("\n").some((l) => l.includes(needle) && !l.includes("ps -eo")), `a lab process is still running: ${needle}`);
        }
    });
});
