// The local lab: OSK's main job on an embedded default. Starts a Kubernetes API with kwok nodes, a real Keystone
// and a chart repository of lab stand-in charts, all on loopback, then converges the `lab` stack into them.
//   ./osk run            (= lab up)     start everything and converge; prints a summary
//   ./osk lab down                      destroy the stack, stop every process the lab started (by PID)
//   ./osk lab status
// State lives in $OSK_LAB_DIR (default ~/.osk/lab).
import { execFileSync, spawn, spawnSync } from "child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { createWorkspace, policyArgs, pulumiRun, pulumiSync, ROOT, type Workspace } from "../engine/workspace";
import { step, stepAsync } from "../lib/progress";
import { delayedStages, kwokModuleDir, timeScale } from "./stages";

export const LAB = process.env.OSK_LAB_DIR ?? join(homedir(), ".osk", "lab");
export const CHART_PORT = 18080;
export const KEYSTONE_PORT = 15000;
const paths = {
    cluster: join(LAB, "cluster"),
    keystone: join(LAB, "keystone"),
    charts: join(LAB, "charts"),
    chartPid: join(LAB, "chart-server.pid"),
    nodes: join(LAB, "nodes.txt"),
    stages: join(LAB, "kwok-stages.yaml"),
    engine: join(LAB, "engine"),
    log: join(LAB, "lab.log"),
};

const say = (m: string) => console.error(`[lab] ${m}`);

/** Runs a command from the repository root; throws with its output's tail when it fails. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, stderr: "pipe" | "inherit" = "pipe"): string {
    const res = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", stderr] });
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${res.status}):\n${(res.stderr || res.stdout || "").slice(-4000)}`);
    return res.stdout;
}

/** A lab phase with progress (tools/lib/progress.ts); `ticker: false` for a phase that reports its own. */
function timed<T>(what: string, fn: () => T, ticker = true): T {
    return step(what, `lab:${what}`, fn, { tag: "lab", ticker });
}

/** Node names of the lab stack's inventory. */
export function labNodes(): string[] {
    const doc = parse(readFileSync(join(ROOT, "Pulumi.lab.yaml"), "utf8")) as { config: Record<string, { nodes?: string[] }> };
    return doc.config["osk:controlPlane"].nodes ?? [];
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Serves a directory of packaged charts on a loopback port, detached, its PID in `pidFile` (kept when it runs). */
export function startChartServer(dir: string, port: number, pidFile: string, log: string): void {
    if (existsSync(pidFile) && pidAlive(Number(readFileSync(pidFile, "utf8")))) return;
    const out = openSync(log, "a");
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "tools", "lab", "chart-server.ts"), dir, String(port)], {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", out, out],
    });
    child.unref();
    writeFileSync(pidFile, String(child.pid));
    // Wait until the repository answers.
    for (let i = 0; i < 100; i++) {
        if (spawnSync("curl", ["-sf", "-o", "/dev/null", `http://127.0.0.1:${port}/index.yaml`]).status === 0) return;
        execFileSync("sleep", ["0.1"]);
    }
    throw new Error(`the chart repository on port ${port} did not come up; see ${log}`);
}

function stopPid(file: string, what: string): void {
    if (!existsSync(file)) return;
    const pid = Number(readFileSync(file, "utf8"));
    if (pidAlive(pid)) {
        process.kill(pid, "SIGTERM");
        for (let i = 0; i < 100 && pidAlive(pid); i++) execFileSync("sleep", ["0.1"]);
        if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    }
    rmSync(file, { force: true });
    say(`${what} stopped (pid ${pid})`);
}

/** The lab's Pulumi workspace: persistent, with the lab's kubeconfig and Keystone password as secrets. */
export function labWorkspace(): Workspace {
    const secrets: Record<string, string> = {};
    if (existsSync(join(paths.cluster, "kubeconfig"))) secrets.kubeconfig = readFileSync(join(paths.cluster, "kubeconfig"), "utf8");
    if (existsSync(join(paths.keystone, "admin-password"))) secrets.tenantCloudPassword = readFileSync(join(paths.keystone, "admin-password"), "utf8").trim();
    return createWorkspace("lab", secrets, ROOT, paths.engine);
}

/** How fast the lab's pods and Jobs are against the real charts' (tools/lab/stages.ts): OSK_LAB_TIME_SCALE, else
 * a twentieth, which keeps a converge's shape (migrations long, registrations short) at a pace a test run can afford
 * (a converge's critical path is about 17 s at it, 340 s at the real pace). */
export const DEFAULT_TIME_SCALE = 0.05;
export function labTimeScale(): number {
    return timeScale(process.env.OSK_LAB_TIME_SCALE, DEFAULT_TIME_SCALE);
}

/** The kwok version tools/k8s-tools.sh builds (its KWOK_VERSION, or the default it names). */
export function kwokVersion(): string {
    if (process.env.KWOK_VERSION) return process.env.KWOK_VERSION;
    const m = /^KWOK_VERSION=\$\{KWOK_VERSION:-([0-9][0-9.]*)\}$/m.exec(readFileSync(join(ROOT, "tools", "k8s-tools.sh"), "utf8"));
    if (!m) throw new Error("tools/k8s-tools.sh names no default KWOK_VERSION");
    return m[1];
}

/** Starts the lab's services (idempotent). */
export function startServices(): void {
    mkdirSync(LAB, { recursive: true, mode: 0o700 });
    // Its own progress shows (stderr passes through): a cold build of the tools takes many minutes.
    timed("Kubernetes tools", () => run("bash", ["tools/k8s-tools.sh"], process.env, "inherit"), false);
    timed("Keystone package", () => run("bash", ["tools/lab/keystone/keystone.sh", "install"]));
    timed("Keystone", () => run("bash", ["tools/lab/keystone/keystone.sh", "start", paths.keystone], { ...process.env, KEYSTONE_PORT: String(KEYSTONE_PORT) }));
    writeFileSync(paths.nodes, labNodes().join("\n") + "\n");
    const scale = labTimeScale();
    const stages = scale > 0 ? { OSK_LAB_STAGES: paths.stages } : {};
    if (scale > 0) writeFileSync(paths.stages, delayedStages(kwokModuleDir(kwokVersion()), scale));
    timed(`Kubernetes API and kwok nodes (pods at ${scale}x the real charts' pace)`, () => run("bash", ["tools/lab/cluster.sh", "up", paths.cluster, paths.nodes], { ...process.env, ...stages }));
    timed("lab charts", () => run("bash", ["test/lab/charts/package.sh", paths.charts]));
    timed("chart repository", () => startChartServer(paths.charts, CHART_PORT, paths.chartPid, join(LAB, "chart-server.log")));
}

export async function converge(ws: Workspace): Promise<{ code: number; ms: number; stdout: string; stderr: string }> {
    return pulumiRun(ws, ["up", "--yes", "--non-interactive", "--skip-preview", "--stack", "lab", ...policyArgs(ws)]);
}

export function kubectl(args: string[]): string {
    return run(join(binDir(), "kubectl"), ["--kubeconfig", join(paths.cluster, "kubeconfig"), ...args]);
}

export function helm(args: string[]): string {
    return run(join(binDir(), "helm"), ["--kubeconfig", join(paths.cluster, "kubeconfig"), ...args]);
}

let bin: string | undefined;
/** Where the Kubernetes tools are; asked once, not on every kubectl or helm call. */
export function binDir(): string {
    bin ??= /OSK_K8S_BIN=(\S+)/.exec(run("bash", ["tools/k8s-tools.sh", "--env"]))![1];
    return bin;
}

/** Everything in order; prints what was deployed and where to look. */
async function up(): Promise<void> {
    const t0 = Date.now();
    startServices();
    const ws = labWorkspace();
    const out = await stepAsync("converging the lab stack (pulumi up)", "lab:converge", () => converge(ws));
    writeFileSync(paths.log, out.stdout + out.stderr);
    if (out.code !== 0) {
        process.stderr.write(out.stdout.slice(-6000) + out.stderr.slice(-3000));
        throw new Error(`pulumi up failed (exit ${out.code}); full log: ${paths.log}`);
    }
    say(`converged in ${(out.ms / 1000).toFixed(1)} s (lab ready ${((Date.now() - t0) / 1000).toFixed(0)} s after start)`);
    const outputs = pulumiSync(ws, ["stack", "output", "--json", "--stack", "lab"]).stdout;
    console.log("\nOSK lab is up.\n");
    console.log("Helm releases:");
    console.log(helm(["list", "-A"]));
    console.log("Nodes and their OSK labels:");
    console.log(kubectl(["get", "nodes", "-L", "openstack-control-plane,openstack-compute-node,openvswitch"]));
    console.log("Stack outputs (secrets masked):");
    console.log(outputs);
    console.log(`Where to look:
  kubeconfig        ${join(paths.cluster, "kubeconfig")}
  Keystone          http://127.0.0.1:${KEYSTONE_PORT}/v3   (OS_CLIENT_CONFIG_FILE=${join(paths.keystone, "clouds.yaml")} openstack --os-cloud osk-lab ...)
  chart repository  http://127.0.0.1:${CHART_PORT}
  Pulumi project    ${ws.dir}  (backend ${ws.env.PULUMI_BACKEND_URL}; passphrase file ${ws.env.PULUMI_CONFIG_PASSPHRASE_FILE})
  converge log      ${paths.log}
Tear it all down with: ./osk lab down`);
}

/** Destroys the stack, stops every lab process by PID, and removes the lab directory. */
export async function down(): Promise<void> {
    let failure: Error | undefined;
    try {
        if (existsSync(join(paths.engine, "backend", ".pulumi")) && existsSync(join(paths.cluster, "kubeconfig"))) {
            const ws = labWorkspace();
            const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", "lab"]);
            if (out.code !== 0) throw new Error(`pulumi destroy failed:\n${out.stdout.slice(-4000)}${out.stderr.slice(-2000)}`);
            say(`stack destroyed in ${(out.ms / 1000).toFixed(1)} s`);
        }
    } catch (e) {
        // The processes stop whatever happened to the stack: a failed destroy must not leave a lab running.
        failure = e as Error;
    }
    stopPid(paths.chartPid, "chart repository");
    if (existsSync(paths.cluster)) run("bash", ["tools/lab/cluster.sh", "down", paths.cluster]);
    if (existsSync(paths.keystone)) run("bash", ["tools/lab/keystone/keystone.sh", "stop", paths.keystone]);
    rmSync(LAB, { recursive: true, force: true });
    say("lab removed");
    if (failure) throw failure;
}

function status(): void {
    const cluster = spawnSync("bash", ["tools/lab/cluster.sh", "status", paths.cluster], { cwd: ROOT, encoding: "utf8" });
    const keystone = spawnSync("bash", ["tools/lab/keystone/keystone.sh", "status", paths.keystone], { cwd: ROOT, encoding: "utf8" });
    const charts = existsSync(paths.chartPid) && pidAlive(Number(readFileSync(paths.chartPid, "utf8")));
    console.log(`cluster:  ${(cluster.stdout + cluster.stderr).trim()}`);
    console.log(`keystone: ${(keystone.stdout + keystone.stderr).trim()}`);
    console.log(`charts:   ${charts ? `running at http://127.0.0.1:${CHART_PORT}` : "stopped"}`);
}

if (require.main === module) {
    const cmd = process.argv[2] ?? "up";
    const action = cmd === "up" ? up() : cmd === "down" ? down() : Promise.resolve(status());
    action.catch((e: Error) => {
        console.error(`[lab] error: ${e.message}`);
        process.exitCode = 1;
    });
}
