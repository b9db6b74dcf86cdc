// The HA lab: OSK's ControlPlane converged for real over SSH onto the lab hosts (tools/lab/hosts/hosts.sh),
// the `lab-ha` stack. Every process runs inside a lab host and is stopped with it, by PID.
//   ./osk run ha              (= lab ha up)   hosts up, pulumi up, summary
//   ./osk lab ha down                         pulumi destroy (kubeadm reset on every host), hosts powered off
//   ./osk lab ha status
// State lives in $OSK_LAB_HA_DIR (default ~/.osk/lab-ha).
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { createWorkspace, policyArgs, pulumiRun, ROOT, writeKubeconfigOutput, type RunOutput, type Workspace } from "../../engine/workspace";

export const HA_DIR = process.env.OSK_LAB_HA_DIR ?? join(homedir(), ".osk", "lab-ha");
export const STACK = "lab-ha";
export const HOSTS_FILE = join(ROOT, "tools", "lab", "hosts", "hosts.txt");
const HOSTS_SH = join(ROOT, "tools", "lab", "hosts", "hosts.sh");
export const paths = {
    hosts: join(HA_DIR, "hosts"),
    engine: join(HA_DIR, "engine"),
    kubeconfig: join(HA_DIR, "kubeconfig"),
    log: join(HA_DIR, "converge.log"),
};

const say = (m: string) => console.error(`[lab-ha] ${m}`);

function run(cmd: string, args: string[], input?: string): string {
    const res = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${res.status}):\n${(res.stderr || res.stdout).slice(-4000)}`);
    return res.stdout;
}

/** One lab-hosts operation: up, down, poweroff NAME, poweron NAME, wipe NAME, status, pids, exec NAME CMD... */
export function hosts(...args: string[]): string {
    const [cmd, ...rest] = args;
    return run("bash", [HOSTS_SH, cmd, paths.hosts, ...rest]);
}

/** Runs a shell command inside a lab host (its namespaces), returning stdout. */
export function onHost(name: string, script: string): string {
    return hosts("exec", name, "bash", "-c", script);
}

/** The lab hosts' addresses by name, from the hosts file. */
export function hostAddresses(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of readFileSync(HOSTS_FILE, "utf8").split("\n")) {
        const [name, address] = line.trim().split(/\s+/);
        if (name && address && !name.startsWith("#")) out[name] = address;
    }
    return out;
}

/** Builds what the hosts need (cached) and starts every host of the hosts file. Returns the hosts' start time. */
export function startHosts(): number {
    mkdirSync(HA_DIR, { recursive: true, mode: 0o700 });
    let t0 = Date.now();
    run("bash", ["tools/k8s-tools.sh", "kubernetes", "etcd", "kubelet", "kube-proxy", "keystone-auth"]);
    say(`Kubernetes tools: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    run("bash", ["tools/lab/hosts/images.sh"]);
    say(`control-plane images: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    run("bash", [HOSTS_SH, "up", paths.hosts, HOSTS_FILE]);
    const ms = Date.now() - t0;
    say(`${Object.keys(hostAddresses()).length} lab hosts up: ${(ms / 1000).toFixed(1)} s`);
    return ms;
}

/** The lab-ha Pulumi workspace: persistent, the lab's SSH key as the stack's secret, the cluster-layer program. */
export function haWorkspace(): Workspace {
    const ws = createWorkspace(STACK, { sshPrivateKey: readFileSync(join(paths.hosts, "key"), "utf8") }, ROOT, paths.engine);
    const project = readFileSync(join(ROOT, "Pulumi.yaml"), "utf8").replace(/^main: .*$/m, "main: tools/lab/hosts/program/index.ts");
    writeFileSync(join(ws.dir, "Pulumi.yaml"), project);
    return ws;
}

/** Writes the stack's Pulumi.lab-ha.yaml copy in the workspace (the scale test edits the inventory there). */
export function stackFile(ws: Workspace): string {
    return join(ws.dir, `Pulumi.${STACK}.yaml`);
}

export function converge(ws: Workspace, extra: string[] = []): Promise<RunOutput> {
    return pulumiRun(ws, ["up", "--yes", "--non-interactive", "--skip-preview", "--stack", STACK, ...policyArgs(ws), ...extra]);
}

/** The admin kubeconfig from the stack output (a secret), written 0600 for kubectl. */
export function writeKubeconfig(ws: Workspace): string {
    return writeKubeconfigOutput(ws, paths.kubeconfig);
}

let bin: string | undefined;
function binDir(): string {
    bin ??= /OSK_K8S_BIN=(\S+)/.exec(run("bash", ["tools/k8s-tools.sh", "--env", "kubernetes"]))![1];
    return bin;
}

/** kubectl against the lab-ha cluster through the VIP; `timeout` seconds per request. */
export function kubectl(args: string[], timeout = 10): string {
    return run(join(binDir(), "kubectl"), ["--kubeconfig", paths.kubeconfig, `--request-timeout=${timeout}s`, ...args]);
}

/** Like kubectl, but returns the exit status and output instead of throwing. */
export function tryKubectl(args: string[], timeout = 5): { code: number; out: string } {
    const res = spawnSync(join(binDir(), "kubectl"), ["--kubeconfig", paths.kubeconfig, `--request-timeout=${timeout}s`, ...args], { encoding: "utf8" });
    return { code: res.status ?? -1, out: (res.stdout ?? "") + (res.stderr ?? "") };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Failover {
    /** Longest time without an answer from the API through the VIP, from the power loss on (ms). */
    gapMs: number;
    /** Per lease that master 1 held: time from the power loss until another master held it (ms). */
    leaseMoveMs: Record<string, number>;
    /** Lease holders before the power loss. */
    holdersBefore: Record<string, string>;
}

/** Powers `master` off and measures what clients see: the VIP's answer gap over `watchSeconds`, and the lease moves. */
export async function measureFailover(master: string, watchSeconds = 20): Promise<Failover> {
    const leases = ["kube-scheduler", "kube-controller-manager"];
    const holder = (lease: string) => tryKubectl(["-n", "kube-system", "get", "lease", lease, "-o", "jsonpath={.spec.holderIdentity}"]).out.trim();
    const holdersBefore = Object.fromEntries(leases.map((l) => [l, holder(l)]));
    const t0 = Date.now();
    hosts("poweroff", master);
    let lastOk = t0;
    let gapMs = 0;
    const pending = new Set(leases.filter((l) => holdersBefore[l].startsWith(`${master}_`)));
    const leaseMoveMs: Record<string, number> = {};
    while (Date.now() - t0 < watchSeconds * 1000 || (pending.size > 0 && Date.now() - t0 < 180000)) {
        if (tryKubectl(["get", "--raw", "/readyz"], 2).code === 0) {
            gapMs = Math.max(gapMs, Date.now() - lastOk);
            lastOk = Date.now();
            for (const l of [...pending]) {
                const h = holder(l);
                if (h && h !== holdersBefore[l] && !h.startsWith(`${master}_`)) {
                    leaseMoveMs[l] = Date.now() - t0;
                    pending.delete(l);
                }
            }
        }
        await sleep(200);
    }
    if (pending.size > 0) throw new Error(`leases never moved off ${master}: ${[...pending].join(", ")}`);
    if (Date.now() - lastOk > 3000) throw new Error(`the API through the VIP stopped answering after ${master} lost power`);
    return { gapMs, leaseMoveMs, holdersBefore };
}

/** Seconds per resource a pulumi run reported, e.g. { "cluster-join-lab-ha-m2 created": 23 }. */
export function stepSeconds(output: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of output.matchAll(/(cluster-[a-z]+-[a-z0-9-]+) (created|deleted) \((\d+(?:\.\d+)?)s\)/g)) out[`${m[1]} ${m[2]}`] = Number(m[3]);
    return out;
}

async function up(): Promise<void> {
    const t0 = Date.now();
    startHosts();
    const ws = haWorkspace();
    say("converging the lab-ha stack (pulumi up)...");
    const out = await converge(ws);
    writeFileSync(paths.log, out.stdout + out.stderr);
    if (out.code !== 0) {
        process.stderr.write(out.stdout.slice(-6000) + out.stderr.slice(-3000));
        throw new Error(`pulumi up failed (exit ${out.code}); full log: ${paths.log}`);
    }
    say(`converged in ${(out.ms / 1000).toFixed(1)} s (${((Date.now() - t0) / 1000).toFixed(0)} s after start)`);
    writeKubeconfig(ws);
    console.log("\nOSK lab-ha is up: a kubeadm cluster on the lab hosts, through the VIP.\n");
    console.log(kubectl(["get", "nodes", "-o", "wide", "-L", "openstack-control-plane,openstack-compute-node"]));
    console.log(kubectl(["get", "pods", "-n", "kube-system", "-o", "wide"]));
    console.log(hosts("status"));
    console.log(`Where to look:
  kubeconfig      ${paths.kubeconfig}   (kubectl --kubeconfig ${paths.kubeconfig} get nodes)
  ssh to a host   ssh -i ${join(paths.hosts, "key")} root@10.30.0.11
  Pulumi project  ${ws.dir}  (backend ${ws.env.PULUMI_BACKEND_URL})
  converge log    ${paths.log}
Tear it down with: ./osk lab ha down`);
}

/** Destroys the stack (every host is reset by kubeadm), powers every host off by PID, removes the lab directory. */
export async function down(): Promise<void> {
    let failure: Error | undefined;
    try {
        if (existsSync(join(paths.engine, "backend", ".pulumi")) && existsSync(join(paths.hosts, "key"))) {
            const ws = haWorkspace();
            const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", STACK]);
            if (out.code !== 0) throw new Error(`pulumi destroy failed:\n${out.stdout.slice(-4000)}${out.stderr.slice(-2000)}`);
            say(`stack destroyed in ${(out.ms / 1000).toFixed(1)} s`);
        }
    } catch (e) {
        // The hosts stop whatever happened to the stack.
        failure = e as Error;
    }
    if (existsSync(paths.hosts)) run("bash", [HOSTS_SH, "down", paths.hosts]);
    rmSync(HA_DIR, { recursive: true, force: true });
    say("lab-ha removed");
    if (failure) throw failure;
}

if (require.main === module) {
    const cmd = process.argv[2] ?? "up";
    const action = cmd === "up" ? up() : cmd === "down" ? down() : Promise.resolve(console.log(existsSync(paths.hosts) ? hosts("status") : "lab-ha: not running"));
    action.catch((e: Error) => {
        console.error(`[lab-ha] error: ${e.message}`);
        process.exitCode = 1;
    });
}
