// Tier 3: the lab converges for real. A Kubernetes API with kwok nodes, a real Keystone and a local chart
// repository on loopback; `pulumi up` of the lab stack; then the cluster and Keystone are asked, through their own
// APIs, whether they hold what the stack says; then destroy and teardown must leave nothing behind.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import { X509Certificate, createPrivateKey, randomBytes } from "crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { request as httpsRequest } from "https";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import { PRIORITY_CLASSES } from "../../components/charts/workloads";
import { drainCluster } from "../../components/k8s/drain";
import { call, issueToken, roleId } from "../../tools/lib/keystone";
import { keystoneAuthPolicy } from "../../components/tenant/addons/render";
import { SNAPSHOT_CRDS } from "../../components/tenant/addons/snapshots";
import { validateConfig } from "../../stacks/config/validate";
import { rawConfig } from "../helpers/stacks";
import { keystoneAdoptions, recover } from "../../tools/engine/recover";
import { policyArgs, pulumiRun, pulumiSync, type Workspace } from "../../tools/engine/workspace";
import { binDir, converge, down, helm, KEYSTONE_PORT, kubectl, LAB, labNodes, labTimeScale, labWorkspace, startServices } from "../../tools/lab/lab";
import { delaySeconds, STAGE_DELAYS } from "../../tools/lab/stages";
import { processTree } from "../helpers/processes";

/** Plaintext of every secret output of OSK's own resources, from `pulumi stack export --show-secrets`. */
function secretsInState(revealedExport: string): string[] {
    const doc = JSON.parse(revealedExport) as { deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] } };
    const out: string[] = [];
    for (const r of doc.deployment.resources ?? []) {
        if (!/^(osk:secrets:|openstack:identity\/)/.test(r.type)) continue;
        for (const key of ["value", "secret", "keyPem"]) {
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

/** When a process started (clock ticks since boot), or undefined when there is no such process. */
function startTime(pid: number): string | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // A process that exited but is not reaped yet (its parent, this test process, is busy) is gone: a zombie
        // runs nothing and holds nothing but its table entry.
        if (fields[0] === "Z") return undefined;
        return fields[19];
    } catch {
        return undefined;
    }
}

/** Every process the lab started, from its pid files: the cluster's components, Keystone's server with its
 * workers (its process group), the chart server, and all their descendants. */
function labProcesses(): { pid: number; start: string; what: string }[] {
    const roots: { pid: number; what: string }[] = [];
    const cluster = join(LAB, "cluster", "pids");
    if (existsSync(cluster)) {
        for (const line of readFileSync(cluster, "utf8").trim().split("\n")) {
            const [what, pid] = line.split(" ");
            if (pid) roots.push({ pid: Number(pid), what });
        }
    }
    for (const [file, what] of [[join(LAB, "keystone", "keystone.pid"), "keystone"], [join(LAB, "chart-server.pid"), "chart-server"]]) {
        if (existsSync(file)) roots.push({ pid: Number(readFileSync(file, "utf8").trim()), what });
    }
    const ps = spawnSync("ps", ["-eo", "pid=,pgid="], { encoding: "utf8" }).stdout.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    const keystone = roots.find((r) => r.what === "keystone");
    const pids = new Map<number, string>();
    for (const r of roots) for (const p of processTree(r.pid)) pids.set(p, p === r.pid ? r.what : `${r.what} (child)`);
    if (keystone) for (const [pid, pgid] of ps) if (pgid === keystone.pid && !pids.has(pid)) pids.set(pid, "keystone (worker)");
    return [...pids].flatMap(([pid, what]) => {
        const start = startTime(pid);
        return start ? [{ pid, start, what }] : [];
    });
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
        // one tools/engine/recover.ts implements: cancel, refresh importing or clearing what the dead run left pending, up.
        killedAfter = await killConvergeMidway(ws);
        // Keystone objects the dead run made are adopted (project, user, role) or made again (the credential).
        const adopted = await keystoneAdoptions(ws, keystoneAuth());
        recovery.push({ step: `keystone: ${adopted.size} pending identity objects found to adopt`, code: 0, output: "" });
        recovery.push(
            ...recover(ws, {
                namespaces: ["openstack"],
                list: () => JSON.parse(helm(["list", "-A", "-a", "-o", "json"])) as { name: string; namespace: string }[],
                uninstall: (name, namespace) => void helm(["uninstall", name, "-n", namespace, "--wait"]),
            }, adopted),
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

    it("takes time as the real charts do, scaled: each hook Job runs as long as the lab's stage table says, Galera starts slowly", () => {
        const scale = labTimeScale();
        assert.ok(scale > 0, "the test tier runs the lab with delays (OSK_LAB_TIME_SCALE > 0)");
        const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
        // Job status times have a resolution of a second.
        // The long ones, so that a second of resolution cannot hide the delay.
        for (const [chart, job] of [["keystone", "keystone-db-sync"], ["nova", "nova-db-sync"]]) {
            const j = JSON.parse(kubectl(["get", "job", job, "-n", "openstack", "-o", "json"]));
            const expected = delaySeconds(STAGE_DELAYS.complete, chart, job.slice(chart.length + 1)) * scale;
            const took = seconds(j.status.startTime, j.status.completionTime);
            assert.ok(took >= expected - 1, `${job} took ${took} s; its stage delay is ${expected} s`);
            assert.ok(took <= expected * 1.25 + delaySeconds(STAGE_DELAYS.ready, chart, "*") * scale * 1.25 + 15, `${job} took ${took} s, far beyond its ${expected} s`);
        }
        const galera = JSON.parse(kubectl(["get", "pod", "mariadb-server-0", "-n", "openstack", "-o", "json"]));
        const ready = galera.status.conditions.find((c: { type: string }) => c.type === "Ready");
        const started = galera.status.conditions.find((c: { type: string }) => c.type === "PodScheduled");
        assert.ok(seconds(started.lastTransitionTime, ready.lastTransitionTime) >= delaySeconds(STAGE_DELAYS.ready, "mariadb", "server") * scale - 1);
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
        // The compute daemons, not the charts' one-shot Jobs (such as the stand-ins' `<chart>-images` Job).
        const computePods = pods.filter((p) => p.metadata.ownerReferences?.[0]?.kind !== "Job" && /^(nova-compute|libvirt)/.test(p.metadata.name));
        assert.ok(computePods.length >= 2 && computePods.every((p) => p.spec.nodeName.startsWith("lab-cmp-")));
        const hooks = json(["get", "jobs", "-n", "openstack"]).items.filter((j) => j.metadata.annotations?.["helm.sh/hook"]);
        assert.ok(hooks.length >= 10, `hook jobs: ${hooks.length}`);
        for (const j of hooks) assert.ok((j.status.succeeded ?? 0) >= 1, `${j.metadata.name} did not complete`);
    });

    it("pulls every image from the lab's mirror, and `./osk artifacts lab --json` lists exactly the images the pods name", () => {
        const mirror = "registry.lab.osk.internal:5000/";
        const pods = json(["get", "pods", "-A"]).items;
        const named = new Set<string>(pods.flatMap((p) => [...p.spec.containers, ...(p.spec.initContainers ?? [])].map((c: { image: string }) => c.image)));
        const stray = pods.flatMap((p) => p.spec.containers.filter((c: { image: string }) => !c.image.startsWith(mirror)).map((c: { image: string }) => `${p.metadata.namespace}/${p.metadata.name}: ${c.image}`));
        assert.deepEqual(stray, [], "pods naming images from elsewhere");
        const run = spawnSync(join(__dirname, "..", "..", "osk"), ["artifacts", "lab", "--json"], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        const listed = new Set<string>((JSON.parse(run.stdout) as { images: { pulled: string }[] }).images.map((i) => i.pulled));
        assert.deepEqual([...named].sort(), [...listed].sort());
    });

    it("puts service passwords in Secrets, never in ConfigMaps", () => {
        const configMaps = kubectl(["get", "configmaps", "-n", "openstack", "-o", "yaml"]) + kubectl(["get", "configmaps", "-n", "kube-system", "-o", "yaml"]);
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

    const secretText = (name: string, key: string) => {
        const sec = JSON.parse(kubectl(["get", "secret", name, "-n", "kube-system", "-o", "json"])) as { data: Record<string, string> };
        return Buffer.from(sec.data[key], "base64").toString("utf8");
    };

    it("applies the tenant's StorageClasses and CSI drivers to the lab cluster, their pods Ready on every node", () => {
        const classes = Object.fromEntries(json(["get", "storageclasses"]).items.map((c) => [c.metadata.name, c]));
        assert.equal(classes.standard.provisioner, "cinder.csi.openstack.org");
        assert.equal(classes.standard.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"], "true");
        assert.deepEqual(classes.standard.parameters, { type: "lab-ssd" });
        assert.equal(classes.scratch.reclaimPolicy, "Delete");
        assert.equal(classes["manila-nfs"].provisioner, "nfs.manila.csi.openstack.org");
        assert.equal(classes["manila-nfs"].parameters.type, "default");
        assert.equal(classes["manila-nfs"].parameters["csi.storage.k8s.io/node-publish-secret-name"], "manila-csi-credentials");
        const drivers = json(["get", "csidrivers"]).items.map((d) => d.metadata.name).sort();
        assert.deepEqual(drivers, ["cinder.csi.openstack.org", "nfs.csi.k8s.io", "nfs.manila.csi.openstack.org"]);
        const nodes = labNodes().length;
        for (const ds of ["csi-cinder-nodeplugin", "csi-manila-nodeplugin", "csi-nfs-nodeplugin"]) {
            const d = JSON.parse(kubectl(["get", "daemonset", ds, "-n", "kube-system", "-o", "json"]));
            assert.equal(d.status.numberReady, nodes, `${ds} ready on every node`);
        }
        for (const dep of ["csi-cinder-controllerplugin", "csi-manila-controllerplugin"]) {
            const d = JSON.parse(kubectl(["get", "deployment", dep, "-n", "kube-system", "-o", "json"]));
            assert.equal(d.status.readyReplicas, 1, dep);
        }
        // The lab's nodes are not OpenStack instances: no cloud controller there, by config.
        assert.equal(json(["get", "daemonsets", "-n", "kube-system", "-l", "app.kubernetes.io/name=openstack-cloud-controller-manager"]).items.length, 0);
    });

    it("installs the snapshot API: upstream's CRDs established, the controller, the classes; the API server validates snapshots with them", () => {
        for (const crd of Object.values(SNAPSHOT_CRDS)) {
            const c = JSON.parse(kubectl(["get", "crd", crd, "-o", "json"]));
            assert.ok(c.status.conditions.some((x: { type: string; status: string }) => x.type === "Established" && x.status === "True"), `${crd} established`);
        }
        const classes = Object.fromEntries(json(["get", "volumesnapshotclasses"]).items.map((c) => [c.metadata.name, c]));
        assert.deepEqual(Object.keys(classes).sort(), ["keep", "standard"]);
        assert.deepEqual([classes.standard.driver, classes.standard.deletionPolicy, classes.keep.deletionPolicy], ["cinder.csi.openstack.org", "Delete", "Retain"]);
        assert.equal(classes.standard.metadata.annotations?.["snapshot.storage.kubernetes.io/is-default-class"], "true");
        assert.equal(JSON.parse(kubectl(["get", "deployment", "snapshot-controller", "-n", "kube-system", "-o", "json"])).status.readyReplicas, 1);

        // A snapshot of a claim on a Cinder class: the API takes it. (kwok runs no controller or driver, so it is never
        // cut: readyToUse stays unset.) Then one naming two sources, which upstream's validation rules refuse.
        const ns = "osk-snapshot-check";
        const file = join(LAB, "snapshot-check.json");
        const snapshot = (name: string, source: Record<string, string>) => ({ apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", metadata: { name, namespace: ns }, spec: { volumeSnapshotClassName: "standard", source } });
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
            { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: ns }, spec: { storageClassName: "standard", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
            snapshot("before-upgrade", { persistentVolumeClaimName: "data" }),
        ] }));
        kubectl(["apply", "-f", file]);
        const taken = JSON.parse(kubectl(["get", "volumesnapshot", "before-upgrade", "-n", ns, "-o", "json"]));
        assert.deepEqual(taken.spec, { volumeSnapshotClassName: "standard", source: { persistentVolumeClaimName: "data" } });
        writeFileSync(file, JSON.stringify(snapshot("two-sources", { persistentVolumeClaimName: "data", volumeSnapshotContentName: "x" })));
        const refused = spawnSync(join(binDir(), "kubectl"), ["create", "-f", file], { env: { ...process.env, KUBECONFIG: join(LAB, "cluster", "kubeconfig") }, encoding: "utf8" });
        assert.notEqual(refused.status, 0);
        assert.match(refused.stderr, /exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set/);
        kubectl(["delete", "namespace", ns, "--wait=false"]);
    });

    it("gives the drivers a cloud.conf whose application credential authenticates against the real Keystone", async () => {
        const conf = secretText("cloud-config", "cloud.conf");
        const value = (k: string) => new RegExp(`^${k}=(.+)$`, "m").exec(conf)?.[1];
        assert.equal(value("auth-url"), `http://127.0.0.1:${KEYSTONE_PORT}/v3`);
        const res = await fetch(`${value("auth-url")}/auth/tokens`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ auth: { identity: { methods: ["application_credential"], application_credential: { id: value("application-credential-id"), secret: value("application-credential-secret") } } } }),
        });
        const text = await res.text();
        assert.equal(res.status, 201, text);
        const body = JSON.parse(text) as { token: { project: { name: string }; roles: { name: string }[] } };
        assert.equal(body.token.project.name, "lab-apps");
        assert.deepEqual(body.token.roles.map((r) => r.name), ["member"]);
        assert.equal(secretText("manila-csi-credentials", "os-applicationCredentialID"), value("application-credential-id"));
    });

    it("runs k8s-keystone-auth: 2 Ready replicas on different nodes, its certificate, the policy from config, sync", () => {
        const d = JSON.parse(kubectl(["get", "deployment", "k8s-keystone-auth", "-n", "kube-system", "-o", "json"]));
        assert.equal(d.status.readyReplicas, 2);
        const pods = json(["get", "pods", "-n", "kube-system", "-l", "app.kubernetes.io/name=k8s-keystone-auth"]).items;
        assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 2, "the replicas are spread over nodes");
        assert.equal(JSON.parse(kubectl(["get", "pdb", "k8s-keystone-auth", "-n", "kube-system", "-o", "json"])).spec.minAvailable, 1);
        const svc = JSON.parse(kubectl(["get", "service", "k8s-keystone-auth", "-n", "kube-system", "-o", "json"]));
        assert.equal(svc.spec.ports[0].port, 8443);
        const cert = new X509Certificate(secretText("keystone-auth-certs", "tls.crt"));
        assert.equal(cert.checkHost("k8s-keystone-auth.kube-system.svc"), "k8s-keystone-auth.kube-system.svc");
        assert.ok(cert.checkPrivateKey(createPrivateKey(secretText("keystone-auth-certs", "tls.key"))));
        const outputs = JSON.parse(pulumiSync(ws, ["stack", "output", "--json", "--stack", "lab"]).stdout) as Record<string, unknown>;
        assert.equal(outputs.tenantWebhookUrl, "https://k8s-keystone-auth.kube-system.svc:8443/webhook");
        assert.deepEqual(outputs.tenantStorageClasses, ["standard", "scratch", "manila-nfs"]);

        const result = validateConfig(rawConfig("lab"));
        assert.ok(result.ok && result.model.tenant.enabled);
        const policy = JSON.parse(kubectl(["get", "configmap", "k8s-keystone-auth-policy", "-n", "kube-system", "-o", "jsonpath={.data.policies}"]));
        assert.deepEqual(policy, JSON.parse(keystoneAuthPolicy(result.model.tenant.keystoneAuth.policy)));
        assert.deepEqual(policy[0].users, { projects: ["lab-apps"], roles: ["member"] });
        assert.deepEqual(policy[0].resource_permissions["*/pods"], ["get", "list", "watch"]);
        const sync = kubectl(["get", "configmap", "keystone-sync-policy", "-n", "kube-system", "-o", "jsonpath={.data.syncConfig}"]);
        assert.match(sync, /namespace-format: "lab-%i"/);
        const args: string[] = d.spec.template.spec.containers[0].args;
        assert.ok(args.includes("--sync-configmap-name=keystone-sync-policy"));
        assert.equal(d.spec.template.spec.containers[0].env[0].value, `http://127.0.0.1:${KEYSTONE_PORT}/v3`);
    });

    it("the real k8s-keystone-auth, with the stack's certificate and policy, authenticates Keystone tokens and authorizes by project and role", async function () {
        // The webhook binary built from cloud-provider-openstack (tools/k8s-tools.sh), run on loopback against the
        // lab's Keystone and reading the policy ConfigMap OSK applied: the same calls an apiserver makes.
        const dir = join(LAB, "webhook");
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(join(dir, "tls.crt"), secretText("keystone-auth-certs", "tls.crt"), { mode: 0o600 });
        writeFileSync(join(dir, "tls.key"), secretText("keystone-auth-certs", "tls.key"), { mode: 0o600 });
        const state = JSON.parse(pulumiSync(ws, ["stack", "export", "--stack", "lab"]).stdout) as { deployment: { resources: { type: string; outputs?: { caPem?: string } }[] } };
        const ca = state.deployment.resources.find((r) => r.type === "osk:secrets:ServingCertificate")!.outputs!.caPem!;
        const a = keystoneAuth();
        const admin = await issueToken(a);
        const project = (await call<{ projects: { id: string }[] }>(a.authUrl, admin.token, "GET", "/projects?name=lab-apps"))!.projects[0].id;
        const password = randomBytes(18).toString("base64url");
        const user = (await call<{ user: { id: string } }>(a.authUrl, admin.token, "POST", "/users", { user: { name: "lab-apps-viewer", password, default_project_id: project } }))!.user.id;
        const port = 18443;
        const webhook = spawn(join(binDir(), "k8s-keystone-auth"), [
            `--keystone-url=${a.authUrl}`,
            `--tls-cert-file=${join(dir, "tls.crt")}`,
            `--tls-private-key-file=${join(dir, "tls.key")}`,
            "--policy-configmap-name=k8s-keystone-auth-policy",
            `--kubeconfig=${join(LAB, "cluster", "kubeconfig")}`,
            `--listen=127.0.0.1:${port}`,
        ], { stdio: ["ignore", "pipe", "pipe"] });
        let webhookLog = "";
        webhook.stdout.on("data", (d: Buffer) => (webhookLog += d.toString()));
        webhook.stderr.on("data", (d: Buffer) => (webhookLog += d.toString()));
        const review = (body: unknown) =>
            new Promise<any>((resolve, reject) => {
                const payload = JSON.stringify(body);
                // Verified as the apiserver does: against the CA in its webhook kubeconfig, for the Service's name.
                const req = httpsRequest({ host: "127.0.0.1", port, path: "/webhook", method: "POST", ca, servername: "k8s-keystone-auth.kube-system.svc", headers: { "Content-Type": "application/json" }, timeout: 10000 }, (res) => {
                    let text = "";
                    res.on("data", (d: Buffer) => (text += d.toString()));
                    // A refused token comes back as 401 with the review in the body.
                    res.on("end", () => ([200, 401].includes(res.statusCode ?? 0) ? resolve(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`))));
                });
                req.on("error", reject);
                req.end(payload);
            });
        try {
            await call(a.authUrl, admin.token, "PUT", `/projects/${project}/users/${user}/roles/${await roleId(a.authUrl, admin.token, "member")}`);
            const viewer = await issueToken({ authUrl: a.authUrl, username: "lab-apps-viewer", password, projectName: "lab-apps" });
            const tokenReview = (token: string) => review({ apiVersion: "authentication.k8s.io/v1beta1", kind: "TokenReview", spec: { token } });
            let authn: any;
            for (let i = 0; i < 50 && !authn; i++) {
                authn = await tokenReview(viewer.token).catch(() => undefined);
                if (!authn) await new Promise((r) => setTimeout(r, 300));
            }
            assert.ok(authn, `the webhook did not answer:\n${webhookLog.slice(-2000)}`);
            assert.equal(authn.status.authenticated, true, JSON.stringify(authn.status));
            assert.equal(authn.status.user.username, "lab-apps-viewer");
            assert.deepEqual(authn.status.user.extra["alpha.kubernetes.io/identity/project/name"], ["lab-apps"]);
            // Keystone's implied roles come along (member implies reader).
            assert.ok(authn.status.user.extra["alpha.kubernetes.io/identity/roles"].includes("member"));
            assert.equal((await tokenReview("not-a-keystone-token")).status.authenticated, false);

            // v1beta1, the version apiservers send by default: the groups field is named "group" there.
            const sar = (u: any, verb: string, resource: string) =>
                review({ apiVersion: "authorization.k8s.io/v1beta1", kind: "SubjectAccessReview", spec: { user: u.username, group: u.groups ?? [], extra: u.extra, resourceAttributes: { namespace: "shop", verb, group: "", resource } } });
            // The lab's policy: lab-apps members may get/list/watch pods, deployments and services anywhere.
            assert.equal((await sar(authn.status.user, "list", "pods")).status.allowed, true);
            assert.equal((await sar(authn.status.user, "delete", "pods")).status.allowed, false);
            assert.equal((await sar(authn.status.user, "get", "secrets")).status.allowed, false);
            // The same role in another project (admin holds admin there, not lab-apps) grants nothing.
            const adminUser = (await tokenReview(admin.token)).status.user;
            assert.equal((await sar(adminUser, "list", "pods")).status.allowed, false);
        } finally {
            webhook.kill("SIGTERM");
            await call(a.authUrl, admin.token, "DELETE", `/users/${user}`);
        }
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

    it("gives every OpenStack pod OSK's class (the chart's key, or a patch where the chart takes none), Jobs none; Galera Guaranteed", () => {
        const classes = Object.fromEntries(json(["get", "priorityclasses"]).items.map((c) => [c.metadata.name, c.value]));
        for (const [name, c] of Object.entries(PRIORITY_CLASSES)) assert.equal(classes[name], c.value, name);
        const pods = json(["get", "pods", "-n", "openstack"]).items;
        const byName = (prefix: string) => pods.filter((p) => p.metadata.name.startsWith(prefix) && p.metadata.ownerReferences?.[0]?.kind !== "Job");
        for (const p of pods) {
            const job = p.metadata.ownerReferences?.[0]?.kind === "Job";
            if (job) assert.equal(p.spec.priorityClassName, undefined, `Job pod ${p.metadata.name} has a class`);
            // The Priority admission plugin resolved the class into the pod's priority.
            else assert.equal(p.spec.priority, classes[p.spec.priorityClassName], `${p.metadata.name}: class ${p.spec.priorityClassName}`);
        }
        // Through the chart's own key, and by the patch for charts whose templates read none.
        for (const [prefix, cls] of [["keystone-api", "osk-api"], ["openvswitch", "osk-infrastructure"], ["nova-compute", "osk-infrastructure"], ["mariadb-server", "osk-infrastructure"], ["mariadb-controller", "osk-api"], ["rabbitmq-rabbitmq", "osk-infrastructure"], ["memcached-memcached", "osk-infrastructure"], ["libvirt-libvirt-default", "osk-infrastructure"]]) {
            const found = byName(prefix);
            assert.ok(found.length > 0, `no ${prefix} pod`);
            for (const p of found) assert.equal(p.spec.priorityClassName, cls, p.metadata.name);
        }
        // The lab gives Galera requests equal to limits; the LimitRange sizes the init container the chart leaves bare.
        for (const p of byName("mariadb-server")) {
            assert.equal(p.status.qosClass, "Guaranteed", p.metadata.name);
            assert.deepEqual(p.spec.initContainers[0].resources.requests, p.spec.initContainers[0].resources.limits);
        }
        for (const p of byName("keystone-api")) {
            assert.equal(p.status.qosClass, "Burstable", p.metadata.name);
            assert.deepEqual(p.spec.containers[0].resources.limits, { cpu: "1", memory: "512Mi" });
        }
    });

    // The chart renders `replicas: null` for the HPA's Deployment (as the real charts do for an empty count); Helm's
    // three-way merge would read that null as "delete the field" and Kubernetes would default it to 1, so the
    // release's post-renderer removes it. Here Helm's stored manifest, and an upgrade with the count at 3, show both.
    it("an upgrade leaves an HPA-managed API at the HPA's count, while a chart-counted workload is reset", async () => {
        const hpa = JSON.parse(kubectl(["get", "hpa", "keystone-api", "-n", "openstack", "-o", "json"]));
        assert.deepEqual([hpa.spec.scaleTargetRef.name, hpa.spec.minReplicas, hpa.spec.maxReplicas], ["keystone-api", 1, 3]);
        const manifest = parseAllDocuments(helm(["get", "manifest", "keystone", "-n", "openstack"])).map((d) => d.toJS());
        const api = manifest.find((o) => o?.kind === "Deployment" && o.metadata.name === "keystone-api");
        assert.ok(api, "the keystone release holds the keystone-api Deployment");
        assert.equal("replicas" in api.spec, false, "the keystone release renders no replica count for keystone-api");
        // As the HPA would under load (kwok reports no metrics, so the HPA itself keeps whatever count is in range).
        kubectl(["scale", "deployment/keystone-api", "deployment/nova-conductor", "-n", "openstack", "--replicas=3"]);
        const revision = (release: string) => (JSON.parse(helm(["history", release, "-n", "openstack", "-o", "json"])) as { revision: number }[]).at(-1)!.revision;
        const before = { keystone: revision("keystone"), nova: revision("nova") };
        // A values change of both releases: Helm upgrades them.
        for (const [key, value] of [['osk:workloads.resources["keystone.api"].limits.memory', "768Mi"], ['osk:workloads.resources["nova.conductor"].limits.memory', "768Mi"]]) {
            const set = pulumiSync(ws, ["config", "set", "--path", key, value, "--stack", "lab"]);
            assert.equal(set.code, 0, set.stderr);
        }
        const up = await converge(ws);
        assert.equal(up.code, 0, (up.stdout + up.stderr).slice(-4000));
        assert.deepEqual({ keystone: revision("keystone"), nova: revision("nova") }, { keystone: before.keystone + 1, nova: before.nova + 1 });
        const deployment = (name: string) => JSON.parse(kubectl(["get", "deployment", name, "-n", "openstack", "-o", "json"]));
        const keystone = deployment("keystone-api");
        assert.equal(keystone.spec.template.spec.containers[0].resources.limits.memory, "768Mi", "the upgrade reached the Deployment");
        assert.equal(keystone.spec.replicas, 3, "the upgrade scaled the HPA-managed API back down");
        // The control: nova-conductor's count is the chart's, and Helm writes it back on the same upgrade.
        assert.equal(deployment("nova-conductor").spec.replicas, 1);
    });

    // The chart upgrade and rollback by the pin is proven on the lab's fleet, on every site at once
    // (test/lab/fleet.spec.ts, "a pin bumped once in the shared layer ...").

    it("the destroy-time drain, against the real API: refuses while data would be lost, then gives back load balancers and claims", async () => {
        // What a tenant destroy runs first (components/k8s/drain.ts), here on the lab cluster just before the destroy:
        // a LoadBalancer Service, a claim bound to a volume that would be deleted with it, and a pod using it.
        const ns = "osk-drain-check";
        const file = join(LAB, "drain-check.json");
        const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: ns }, spec: { storageClassName: "osk-drain-check", volumeName: "osk-drain-check", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
        const objects = [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
            { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "osk-drain-check" }, spec: { storageClassName: "osk-drain-check", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", hostPath: { path: "/tmp/osk-drain-check" }, claimRef: { namespace: ns, name: "data" } } },
            pvc,
            { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: ns }, spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 80 }] } },
            { apiVersion: "v1", kind: "Pod", metadata: { name: "db", namespace: ns }, spec: { nodeName: "lab-cmp-1", containers: [{ name: "db", image: "db:1" }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] } },
        ];
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
        kubectl(["apply", "-f", file]);
        for (let i = 0; i < 60 && kubectl(["get", "pvc", "data", "-n", ns, "-o", "jsonpath={.status.phase}"]) !== "Bound"; i++) await new Promise((r) => setTimeout(r, 500));
        assert.equal(kubectl(["get", "pvc", "data", "-n", ns, "-o", "jsonpath={.status.phase}"]), "Bound");
        const kubeconfig = readFileSync(join(LAB, "cluster", "kubeconfig"), "utf8");
        const statefulSets = () => json(["get", "statefulsets", "-A"]).items.map((x) => `${x.metadata.namespace}/${x.metadata.name}`);
        const before = statefulSets();
        const withoutClaims = json(["get", "statefulsets", "-A"]).items.filter((x) => !x.spec.volumeClaimTemplates?.length).map((x) => `${x.metadata.namespace}/${x.metadata.name}`);
        assert.ok(before.length > withoutClaims.length, "the platform has StatefulSets holding claims");

        await assert.rejects(drainCluster({ kubeconfig, allowVolumeDeletion: false, timeoutSeconds: 60 }), /not destroying, data would be lost: PersistentVolumeClaim osk-drain-check\/data: its volume is deleted with it/);
        assert.equal(json(["get", "services", "-n", ns, "--field-selector", "metadata.name=web"]).items.length, 1, "a refused drain touches nothing");
        assert.deepEqual(statefulSets(), before);

        // With the volume's data kept (Retain), the drain goes through: everything that could hold cloud resources goes.
        kubectl(["patch", "pv", "osk-drain-check", "-p", JSON.stringify({ spec: { persistentVolumeReclaimPolicy: "Retain" } })]);
        await drainCluster({ kubeconfig, allowVolumeDeletion: false, timeoutSeconds: 120 });
        assert.deepEqual(json(["get", "services", "-A", "--field-selector", "spec.type=LoadBalancer"]).items, []);
        assert.deepEqual(json(["get", "pvc", "-A"]).items.map((c) => c.metadata.name), [], "no claim is left, the platform's included");
        assert.deepEqual(json(["get", "pods", "-n", ns]).items, []);
        assert.deepEqual(statefulSets(), withoutClaims, "workloads holding claims are deleted whole, so nothing recreates them; the others stay");
        assert.equal(kubectl(["get", "pv", "osk-drain-check", "-o", "jsonpath={.status.phase}"]), "Released", "the volume and its data stay");
        kubectl(["delete", "pv", "osk-drain-check"]);
        kubectl(["delete", "namespace", ns, "--wait=false"]);
    });

    it("destroys everything it created, in the cluster and in Keystone, and the teardown leaves no process", async () => {
        const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", "lab"]);
        assert.equal(out.code, 0, out.stdout.slice(-4000));
        assert.deepEqual(json(["get", "all", "-n", "openstack", "-l", "app.kubernetes.io/managed-by=Helm"]).items.map((i) => i.metadata.name), []);
        assert.deepEqual(json(["get", "all,configmaps,secrets,serviceaccounts,pdb", "-n", "kube-system", "-l", "app.kubernetes.io/part-of=osk-tenant"]).items.map((i) => i.metadata.name), []);
        for (const name of ["cloud-config", "manila-csi-credentials", "keystone-auth-certs", "k8s-keystone-auth-policy", "keystone-sync-policy"]) {
            assert.doesNotMatch(kubectl(["get", "secrets,configmaps", "-n", "kube-system", "-o", "name"]), new RegExp(`/${name}$`, "m"), `${name} left behind`);
        }
        assert.deepEqual(json(["get", "storageclasses,csidrivers,clusterroles,clusterrolebindings", "-l", "app.kubernetes.io/managed-by=osk"]).items.map((i) => i.metadata.name), []);
        const nodes = json(["get", "nodes"]).items;
        for (const n of nodes) for (const l of ["openstack-control-plane", "openstack-compute-node", "openvswitch"]) assert.equal(n.metadata.labels[l], undefined, `${n.metadata.name} keeps ${l}`);
        const a = keystoneAuth();
        const { token } = await issueToken(a);
        const projects = await call<{ projects: { name: string }[] }>(a.authUrl, token, "GET", "/projects");
        assert.deepEqual(projects!.projects.map((p) => p.name), ["admin"]);
        const users = await call<{ users: { name: string }[] }>(a.authUrl, token, "GET", "/users");
        assert.deepEqual(users!.users.map((u) => u.name), ["admin"]);

        // The processes this lab started, by PID (and start time, so a reused PID is not mistaken for ours): other
        // programs on the machine, an operator's lab or the lab hosts' apiservers, are none of this check's business.
        const started = labProcesses();
        assert.ok(started.some((p) => p.what === "kube-apiserver") && started.some((p) => p.what === "keystone"), JSON.stringify(started));
        await down();
        const left = started.filter((p) => startTime(p.pid) === p.start);
        assert.deepEqual(left, [], "lab processes still running after the teardown");
    });
});
