// Tier 3, real hosts: OSK's ControlPlane builds a 3-master kubeadm cluster over SSH on the lab hosts
// (tools/lab/hosts: namespaces with sshd, containerd and a kubelet each), and the cluster is asked, through its own
// API and on the hosts, whether it is what the stack says; then a master loses power, then two, then the masters
// scale 3 -> 5 -> 3, a converge is killed during the joins and recovered, and destroy resets every host.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import { X509Certificate } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import { connect } from "tls";
import { parse, parseAllDocuments, parseDocument } from "yaml";
import { renderInit } from "../../components/cluster/kubeadm";
import { bridgePodRange } from "../../components/cluster/scripts";
import { validateConfig } from "../../stacks/config/validate";
import { rawConfig } from "../helpers/stacks";
import { recover } from "../../tools/engine/recover";
import { policyArgs, pulumiRun, pulumiSync, type Workspace } from "../../tools/engine/workspace";
import { converge, down, haWorkspace, hostAddresses, hosts, kubectl, measureFailover, onHost, paths, STACK, stackFile, startHosts, tryKubectl, writeKubeconfig } from "../../tools/lab/hosts/ha";
import { processTree } from "../helpers/processes";

const VIP = "10.30.0.10";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = (args: string[]) => JSON.parse(kubectl([...args, "-o", "json"])) as { items: any[] };

/** etcd's members as a master's etcd sees them. */
function etcdMembers(via: string): { name: string; isLearner?: boolean; clientURLs?: string[] }[] {
    // An exec goes through the apiserver to the kubelet; right after a converge restarted either, the stream can
    // drop (EOF). Asked again a few times before that counts as an answer.
    for (let attempt = 1; ; attempt++) {
        try {
            const out = kubectl(["-n", "kube-system", "exec", `etcd-${via}`, "--", "etcdctl", "--endpoints=https://127.0.0.1:2379", "--cacert=/etc/kubernetes/pki/etcd/ca.crt", "--cert=/etc/kubernetes/pki/etcd/server.crt", "--key=/etc/kubernetes/pki/etcd/server.key", "member", "list", "-w", "json"], 20);
            return (JSON.parse(out) as { members: { name: string; isLearner?: boolean; clientURLs?: string[] }[] }).members;
        } catch (e) {
            if (attempt >= 5) throw e;
            spawnSync("sleep", ["3"]);
        }
    }
}

/** The certificate a TLS server presents. */
function serverCertificate(host: string, port: number): Promise<X509Certificate> {
    return new Promise((resolve, reject) => {
        const s = connect({ host, port, rejectUnauthorized: false, timeout: 5000 }, () => {
            const raw = s.getPeerCertificate().raw;
            s.end();
            resolve(new X509Certificate(raw));
        });
        s.on("error", reject);
    });
}

async function until<T>(what: string, seconds: number, probe: () => T | undefined | false): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last: unknown;
    for (;;) {
        try {
            const v = probe();
            if (v) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s${last ? ` (${(last as Error).message.slice(0, 300)})` : ""}`);
        await sleep(500);
    }
}

/** Probe for `until`: creates ConfigMap `name` through the VIP, true once it holds `value`. A create whose answer timed
 * out may have committed all the same (an etcd that just regained quorum under load answers slowly), so a retry that
 * finds it there with the value counts as the write; anything else throws kubectl's words for `until` to report. */
function written(name: string, value: string): boolean {
    const created = tryKubectl(["create", "configmap", name, `--from-literal=k=${value}`]);
    if (created.code === 0) return true;
    if (/AlreadyExists|already exists/.test(created.out)) {
        const held = tryKubectl(["get", "configmap", name, "-o", "jsonpath={.data.k}"]);
        if (held.code === 0 && held.out === value) return true;
        throw new Error(`${name} exists but reads ${JSON.stringify(held.out.slice(0, 200))}`);
    }
    throw new Error(created.out.trim().split("\n").pop());
}

/** Who answers for the VIP, for a failure message: per powered-on master, whether its eth0 holds the VIP, HAProxy's
 * listener, the units, keepalived's last words; and the machine's neighbour entry for the VIP. */
function vipReport(): string {
    const lines = [`machine: ${spawnSync("ip", ["neigh", "show", VIP], { encoding: "utf8" }).stdout.trim() || "no neighbour entry for the VIP"}`];
    for (const name of Object.keys(hostAddresses()).filter((n) => n.startsWith("lab-ha-m"))) {
        try {
            lines.push(`${name}: ${onHost(name, `echo "vip=$(ip -4 addr show dev eth0 | grep -c ' ${VIP}/') listen8443=$(ss -ltnH 'sport = :8443' | wc -l) units=$(systemctl is-active haproxy keepalived | paste -sd/)"; tail -n 2 /var/log/osk-units/keepalived.log /var/log/osk-units/haproxy.log 2>/dev/null`).trim().replace(/\n+/g, " | ")}`);
        } catch {
            lines.push(`${name}: off`);
        }
    }
    return lines.join("\n");
}

/** `until`, with the VIP's state added to its failure. */
async function untilOnVip<T>(what: string, seconds: number, probe: () => T | undefined | false): Promise<T> {
    try {
        return await until(what, seconds, probe);
    } catch (e) {
        throw new Error(`${(e as Error).message}\n${vipReport()}`);
    }
}

/** A process and all its descendants (the engine's plugins run in process groups of their own). */

const readyNodes = () => json(["get", "nodes"]).items.filter((n) => n.status.conditions.some((c: any) => c.type === "Ready" && c.status === "True")).map((n) => n.metadata.name).sort();
const leaseHolder = (name: string) => kubectl(["-n", "kube-system", "get", "lease", name, "-o", "jsonpath={.spec.holderIdentity}"]);

/** Sets the inventory in the workspace's copy of the stack file (as a site edits it): masters m1..m<masters>, and
 * the worker with its roles or none. Whole, not incremental: a rerun after a failure edits to the same file. */
function setInventory(ws: Workspace, masters: number, worker: boolean): void {
    const doc = parseDocument(readFileSync(stackFile(ws), "utf8"));
    const cp = (doc.getIn(["config", "osk:controlPlane"], false) as any).toJSON();
    const roles = (doc.getIn(["config", "osk:nodeRoles"], false) as any).toJSON();
    const addresses = hostAddresses();
    cp.masters = Array.from({ length: masters }, (_, i) => ({ name: `lab-ha-m${i + 1}`, address: addresses[`lab-ha-m${i + 1}`] }));
    cp.workers = worker ? [{ name: "lab-ha-w1", address: addresses["lab-ha-w1"] }] : [];
    roles.compute = worker ? ["lab-ha-w1"] : [];
    roles.custom = worker ? { "lab-ha-w1": { "topology.kubernetes.io/zone": "lab-ha-a" } } : {};
    doc.setIn(["config", "osk:controlPlane"], cp);
    doc.setIn(["config", "osk:nodeRoles"], roles);
    writeFileSync(stackFile(ws), doc.toString());
}

/** The lab stack's validated model (what OSK renders from). */
function model() {
    const result = validateConfig(rawConfig(STACK));
    assert.ok(result.ok && result.model.controlPlane.mode === "kubeadm");
    return { cp: result.model.controlPlane, site: result.model.site };
}

describe("the HA control plane on real hosts (lab hosts, kubeadm over SSH)", function () {
    this.timeout(40 * 60 * 1000);
    let ws: Workspace;
    let convergeLog = "";
    let hostPids: number[] = [];

    before(async () => {
        startHosts();
        hostPids = hosts("pids").split(/\s+/).filter(Boolean).map(Number);
        ws = haWorkspace();
        const out = await converge(ws);
        convergeLog = out.stdout + out.stderr;
        writeFileSync(paths.log, convergeLog);
        assert.equal(out.code, 0, convergeLog.slice(-6000));
        console.log(`      converged in ${(out.ms / 1000).toFixed(1)} s`);
        writeKubeconfig(ws);
    });

    after(async () => {
        // Runs even when a test failed: the stack is destroyed and every host powered off by PID.
        await down();
    });

    it("inits on master 1 with uploaded certificates, joins the other masters one at a time, then the worker", () => {
        const at = (re: RegExp) => convergeLog.search(re);
        assert.ok(at(/cluster-init-lab-ha-m1 created/) > 0, "init on lab-ha-m1");
        assert.ok(at(/cluster-init-lab-ha-m1 created/) < at(/cluster-join-lab-ha-m2 creating/));
        assert.ok(at(/cluster-join-lab-ha-m2 created/) < at(/cluster-join-lab-ha-m3 creating/), "the second control-plane join starts after the first finished");
        assert.ok(at(/cluster-join-lab-ha-m3 created/) < at(/cluster-join-lab-ha-w1 creating/));
        // --upload-certs: the control-plane certificates the joins fetched, encrypted in the cluster.
        assert.equal(json(["-n", "kube-system", "get", "secrets", "--field-selector", "metadata.name=kubeadm-certs"]).items.length, 1);
    });

    it("has every node Ready, the bridge CNI up on each, and the node roles on the real nodes", () => {
        assert.deepEqual(readyNodes(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3", "lab-ha-w1"]);
        for (const n of ["lab-ha-m1", "lab-ha-w1"]) assert.match(onHost(n, "cat /etc/cni/net.d/10-osk-bridge.conflist"), /"type": "bridge"/);
        const labels = Object.fromEntries(json(["get", "nodes"]).items.map((n) => [n.metadata.name, n.metadata.labels]));
        assert.equal(labels["lab-ha-m1"]["openstack-control-plane"], "enabled");
        assert.equal(labels["lab-ha-w1"]["openstack-compute-node"], "enabled");
        assert.equal(labels["lab-ha-w1"]["topology.kubernetes.io/zone"], "lab-ha-a");
        assert.ok("node-role.kubernetes.io/control-plane" in labels["lab-ha-m3"]);
    });

    it("runs etcd with 3 voting members, one per master", () => {
        const members = etcdMembers("lab-ha-m2");
        assert.deepEqual(members.map((m) => m.name).sort(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3"]);
        assert.ok(members.every((m) => !m.isLearner), "no learner left");
    });

    it("serves a certificate covering the VIP and every master, on the VIP and on each apiserver", async () => {
        const addresses = hostAddresses();
        for (const [host, port] of [[VIP, 8443], [addresses["lab-ha-m1"], 6443], [addresses["lab-ha-m2"], 6443], [addresses["lab-ha-m3"], 6443]] as const) {
            const cert = await serverCertificate(host, port);
            assert.equal(cert.checkIP(VIP), VIP, `${host}:${port} covers the VIP`);
            for (const m of ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3"]) {
                assert.equal(cert.checkIP(addresses[m]), addresses[m]);
                assert.equal(cert.checkHost(m), m);
            }
        }
    });

    it("answers kubectl through the VIP with the kubeconfig output, which stays secret", () => {
        const kubeconfig = readFileSync(paths.kubeconfig, "utf8");
        assert.match(kubeconfig, /server: https:\/\/10\.30\.0\.10:8443/);
        assert.match(kubectl(["get", "--raw", "/readyz"]), /^ok/);
        const outputs = pulumiSync(ws, ["stack", "output", "--json", "--stack", STACK]).stdout;
        assert.match(outputs, /"kubeconfig": "\[secret\]"/);
        const key = /client-key-data: (\S+)/.exec(kubeconfig)![1];
        assert.ok(!pulumiSync(ws, ["stack", "export", "--stack", STACK]).stdout.includes(key), "the admin key in plaintext in state");
        assert.ok(!convergeLog.includes(key), "the admin key in the converge log");
        // The bootstrap token, and the one kubeadm made for the uploaded certificates.
        const tokens = onHost("lab-ha-m1", `kubeadm token list --kubeconfig /etc/kubernetes/admin.conf -o jsonpath='{.token}{"\\n"}'`).trim().split("\n");
        assert.ok(tokens.length >= 1 && tokens.every((t) => /^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(t)), "bootstrap tokens");
        for (const t of tokens) assert.ok(!convergeLog.includes(t.split(".")[1]), "a bootstrap token's secret in the converge log");
    });

    it("runs the cluster configuration OSK rendered: kubeadm-config holds every field of the rendering, unchanged", () => {
        const { cp, site } = model();
        const rendered = parseAllDocuments(renderInit(cp, site)).map((d) => d.toJSON()).find((d) => d.kind === "ClusterConfiguration");
        const running = parse(kubectl(["-n", "kube-system", "get", "configmap", "kubeadm-config", "-o", "jsonpath={.data.ClusterConfiguration}"])) as Record<string, unknown>;
        const differences: string[] = [];
        const added: string[] = [];
        const walk = (want: unknown, got: unknown, path: string) => {
            if (want && typeof want === "object" && !Array.isArray(want)) {
                for (const [k, v] of Object.entries(want)) walk(v, (got as Record<string, unknown> | undefined)?.[k], `${path}.${k}`);
            } else if (Array.isArray(want) && want.length === 0 && got === undefined) {
                // An empty list is left out of what kubeadm stores.
            } else if (JSON.stringify(want) !== JSON.stringify(got)) differences.push(`${path}: rendered ${JSON.stringify(want)}, running ${JSON.stringify(got)}`);
        };
        walk(rendered, running, "ClusterConfiguration");
        for (const k of Object.keys(running)) if (!(k in rendered)) added.push(k);
        console.log(`      kubeadm-config against OSK's rendering: ${differences.length} differences; kubeadm's own defaults added: ${added.join(", ")}`);
        assert.deepEqual(differences, []);
        // The kubelet on a master runs the rendered KubeletConfiguration's driver and reservations.
        const kubelet = parse(onHost("lab-ha-m2", "cat /var/lib/kubelet/config.yaml")) as Record<string, any>;
        assert.equal(kubelet.cgroupDriver, "cgroupfs");
        assert.deepEqual(kubelet.kubeReserved, { cpu: "500m", memory: "1Gi" });
    });

    it("has nothing left to do: the next preview shows no change, and refresh finds no drift", async () => {
        const preview = await pulumiRun(ws, ["preview", "--expect-no-changes", "--non-interactive", "--stack", STACK, ...policyArgs(ws)]);
        assert.equal(preview.code, 0, preview.stdout.slice(-4000) + preview.stderr);
        const refresh = await pulumiRun(ws, ["refresh", "--expect-no-changes", "--yes", "--non-interactive", "--stack", STACK]);
        assert.equal(refresh.code, 0, refresh.stdout.slice(-4000) + refresh.stderr);
    });

    it("failover: master 1 loses power, the VIP keeps answering, the leases move, writes succeed at etcd 2/3; it comes back", async () => {
        kubectl(["create", "configmap", "osk-before-failover", "--from-literal=k=v1"]);
        const failover = await measureFailover("lab-ha-m1");
        assert.ok(failover.gapMs < 15000, `the VIP went unanswered for ${failover.gapMs} ms`);
        for (const [lease, holder] of Object.entries(failover.holdersBefore)) {
            if (holder.startsWith("lab-ha-m1_")) assert.ok(failover.leaseMoveMs[lease] > 0, `${lease} moved`);
            const now = leaseHolder(lease);
            assert.match(now, /^lab-ha-m[23]_/, `${lease} is held by a live master`);
        }
        const write = await untilOnVip("a write with etcd at 2/3", 60, () => written("osk-during-failover", "v2"));
        assert.ok(write);
        console.log(`      failover: longest gap on the VIP ${(failover.gapMs / 1000).toFixed(1)} s; lease moves (ms) ${JSON.stringify(failover.leaseMoveMs)}; holders before ${JSON.stringify(failover.holdersBefore)}`);

        const t1 = Date.now();
        hosts("poweron", "lab-ha-m1");
        // Ready on a heartbeat its kubelet sent after the power-on (the stale Ready of before does not count).
        await until("lab-ha-m1 Ready again", 300, () => {
            const ready = (JSON.parse(kubectl(["get", "node", "lab-ha-m1", "-o", "json"])) as any).status.conditions.find((c: any) => c.type === "Ready");
            return ready.status === "True" && Date.parse(ready.lastHeartbeatTime) >= Math.floor(t1 / 1000) * 1000;
        });
        await until("etcd back to 3 started voting members", 300, () => {
            const m = etcdMembers("lab-ha-m1");
            return m.length === 3 && m.every((x) => !x.isLearner && (x.clientURLs ?? []).length > 0);
        });
        console.log(`      master 1 back Ready with etcd 3/3 ${((Date.now() - t1) / 1000).toFixed(1)} s after power-on`);
        // The bridge CNI's routes to the other nodes' pod slices came back with the boot, not with a converge.
        const { cp } = model();
        const routes = onHost("lab-ha-m1", "ip route show");
        for (const h of [...cp.masters, ...cp.workers].filter((x) => x.name !== "lab-ha-m1")) {
            assert.match(routes, new RegExp(`^${bridgePodRange(cp, h).replace(/\./g, "\\.")} via ${h.address.replace(/\./g, "\\.")} `, "m"), `route to ${h.name}'s pods after the power-on`);
        }
        assert.equal(kubectl(["get", "configmap", "osk-during-failover", "-o", "jsonpath={.data.k}"]), "v2");
        const preview = await pulumiRun(ws, ["preview", "--expect-no-changes", "--non-interactive", "--stack", STACK, ...policyArgs(ws)]);
        assert.equal(preview.code, 0, preview.stdout.slice(-4000));
    });

    it("quorum: with 2 of 3 masters off the API refuses writes; one back, writes work again and nothing is lost", async () => {
        kubectl(["create", "configmap", "osk-before-quorum-loss", "--from-literal=k=v3"]);
        hosts("poweroff", "lab-ha-m2");
        hosts("poweroff", "lab-ha-m3");
        // etcd has 1 of 3 members: no quorum, so no write can commit. The API must refuse, not pretend.
        await sleep(5000);
        const refused = tryKubectl(["create", "configmap", "osk-without-quorum", "--from-literal=k=lost"], 15);
        assert.notEqual(refused.code, 0, `a write succeeded without etcd quorum: ${refused.out}`);
        console.log(`      without quorum the write is refused: ${refused.out.trim().split("\n").pop()}`);
        // "connection refused" here would mean a host answers for the VIP with no HAProxy behind it: say who.
        if (/connection refused/.test(refused.out)) console.log(vipReport().replace(/^/gm, "        "));
        const t2 = Date.now();
        hosts("poweron", "lab-ha-m2");
        await untilOnVip("writes work again with 2 of 3 masters", 300, () => written("osk-after-quorum", "v4"));
        console.log(`      writes work again ${((Date.now() - t2) / 1000).toFixed(1)} s after master 2's power-on`);
        for (const [cm, v] of [["osk-before-failover", "v1"], ["osk-during-failover", "v2"], ["osk-before-quorum-loss", "v3"]]) {
            assert.equal(kubectl(["get", "configmap", cm, "-o", "jsonpath={.data.k}"]), v, `${cm} kept`);
        }
        hosts("poweron", "lab-ha-m3");
        await until("every node Ready", 300, () => readyNodes().length === 4);
        await until("etcd 3/3", 300, () => etcdMembers("lab-ha-m3").length === 3);
    });

    it("scales the masters 3 -> 5 -> 3 and removes the worker: joins, drains, etcd members follow", async () => {
        setInventory(ws, 5, true);
        let out = await converge(ws);
        assert.equal(out.code, 0, out.stdout.slice(-6000));
        assert.deepEqual(etcdMembers("lab-ha-m1").map((m) => m.name).sort(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3", "lab-ha-m4", "lab-ha-m5"]);
        assert.equal(readyNodes().length, 6);
        // Every apiserver, the new and the ones from before the scale-up, serves a certificate for the VIP and
        // every master of the grown inventory.
        const addresses = hostAddresses();
        for (let i = 1; i <= 5; i++) {
            const cert = await serverCertificate(addresses[`lab-ha-m${i}`], 6443);
            assert.equal(cert.checkIP(VIP), VIP);
            for (let j = 1; j <= 5; j++) assert.equal(cert.checkIP(addresses[`lab-ha-m${j}`]), addresses[`lab-ha-m${j}`], `lab-ha-m${i}'s certificate covers lab-ha-m${j}`);
        }
        // kubectl exec reaches master 1's kubelet (the apiserver to kubelet path), through any apiserver.
        assert.match(kubectl(["-n", "kube-system", "exec", "etcd-lab-ha-m1", "--", "etcdctl", "version"], 20), /etcdctl version/);

        setInventory(ws, 3, false);
        out = await converge(ws);
        assert.equal(out.code, 0, out.stdout.slice(-6000));
        assert.deepEqual(etcdMembers("lab-ha-m1").map((m) => m.name).sort(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3"]);
        assert.deepEqual(readyNodes(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3"]);
        assert.deepEqual(json(["get", "nodes"]).items.map((n) => n.metadata.name).sort(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3"], "the removed nodes are gone");
        for (const h of ["lab-ha-m4", "lab-ha-m5", "lab-ha-w1"]) {
            assert.equal(onHost(h, "ls /etc/kubernetes/*.conf 2>/dev/null || true").trim(), "", `${h} was reset`);
        }
        const preview = await pulumiRun(ws, ["preview", "--expect-no-changes", "--non-interactive", "--stack", STACK, ...policyArgs(ws)]);
        assert.equal(preview.code, 0, preview.stdout.slice(-4000));
    });

    it("recovers a converge SIGKILLed during a control-plane join: cancel, refresh, up, to the same cluster", async () => {
        setInventory(ws, 5, false);
        const uid = kubectl(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"]);
        const child = spawn("pulumi", ["up", "--yes", "--non-interactive", "--skip-preview", "--stack", STACK], { cwd: ws.dir, env: ws.env });
        let text = "";
        let killed = false;
        child.stdout.on("data", (d: Buffer) => {
            text += d.toString();
            if (!killed && /cluster-join-lab-ha-m4 creating/.test(text)) {
                killed = true;
                // A few seconds into kubeadm join, the whole engine process group dies.
                setTimeout(() => {
                    for (const pid of processTree(child.pid!)) {
                        try {
                            process.kill(pid, "SIGKILL");
                        } catch {
                            // already gone
                        }
                    }
                }, 6000);
            }
        });
        await new Promise((r) => child.on("close", r));
        assert.ok(killed, `the run finished before the join started:\n${text.slice(-2000)}`);
        const steps = recover(ws);
        for (const s of steps) assert.equal(s.code, 0, `${s.step}: ${s.output.slice(-2000)}`);
        const out = await converge(ws);
        assert.equal(out.code, 0, out.stdout.slice(-6000));
        console.log(`      recovery: ${steps.map((s) => s.step).join("; ")}`);
        assert.equal(kubectl(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"]), uid, "the same cluster");
        assert.deepEqual(etcdMembers("lab-ha-m1").map((m) => m.name).sort(), ["lab-ha-m1", "lab-ha-m2", "lab-ha-m3", "lab-ha-m4", "lab-ha-m5"]);
        assert.ok(etcdMembers("lab-ha-m1").every((m) => !m.isLearner));
        assert.equal(readyNodes().length, 5);
    });

    it("destroy resets every host (kubeadm reset), leaving no cluster state, and power-off leaves no process", async () => {
        const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", STACK]);
        assert.equal(out.code, 0, out.stdout.slice(-4000));
        for (const h of Object.keys(hostAddresses())) {
            // No file under kubeadm's and etcd's directories (kubeadm reset keeps the emptied directories), no container.
            const left = onHost(h, "find /etc/kubernetes /var/lib/etcd -type f 2>/dev/null || true; ctr -n k8s.io containers ls -q").trim();
            assert.equal(left, "", `${h} keeps cluster state: ${left}`);
        }
        const pids = [...new Set([...hostPids, ...hosts("pids").split(/\s+/).filter(Boolean).map(Number)])];
        await down();
        // A PID counts as the lab's while it sits in a lab host's cgroup (another program may get the number later).
        const alive = pids.filter((p) => {
            try {
                return readFileSync(`/proc/${p}/cgroup`, "utf8").includes("/osk-lab-");
            } catch {
                return false;
            }
        });
        assert.deepEqual(alive, [], "processes the lab hosts started are still running");
    });
});
