// The lab's fleet: the small sites of fleets/lab, each its own Kubernetes cluster (kwok nodes, as the kwok lab's),
// one chart repository of the lab stand-in charts for all of them (port 18081), and the shared state on a real S3
// object store (tools/lab/state/state.sh, port 17070). A cluster per site rather than namespaces in one: a site is
// a cluster to OSK, which sets cluster-wide objects (priority classes, node labels) that sites sharing one would fight over.
//   ./osk lab fleet up        start the store, the repository and a cluster per site, then `./osk fleet up` all sites
//   ./osk lab fleet status
//   ./osk lab fleet down      stop everything it started, by PID, and remove its directory
// State lives in $OSK_LAB_FLEET_DIR (default ~/.osk/lab-fleet). Its project directory links the repository's sources
// and holds copies of fleets/ and of the site stack files: the copies keep each stack's encryption salt and secrets,
// and a shared change made there (the lab tier bumps a pin in fleets/lab/common.yaml) leaves the checkout alone.
import { spawn, spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { randomBytes } from "crypto";
import { homedir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { engineEnv, pulumiSync, ROOT, type Workspace } from "../engine/workspace";
import { siteNames } from "../fleet/plan";
import { kwokVersion, labTimeScale, run as labRun, startChartServer } from "./lab";
import { delayedStages, kwokModuleDir } from "./stages";

export const FLEET_LAB = process.env.OSK_LAB_FLEET_DIR ?? join(homedir(), ".osk", "lab-fleet");
export const FLEET_CHART_PORT = 18081;
/** The S3 store's port (tools/lab/state/state.sh takes it as OSK_STATE_PORT). */
export const STATE_PORT = 17070;
export const FLEET_SOURCE = join(ROOT, "fleets", "lab");
const paths = {
    state: join(FLEET_LAB, "state"),
    charts: join(FLEET_LAB, "charts"),
    chartPid: join(FLEET_LAB, "chart-server.pid"),
    project: join(FLEET_LAB, "project"),
    passphrase: join(FLEET_LAB, "passphrase"),
    stages: join(FLEET_LAB, "kwok-stages.yaml"),
    site: (site: string) => join(FLEET_LAB, "sites", site),
};

const say = (m: string) => console.error(`[lab-fleet] ${m}`);

/** The lab's run, with the state store's port (tools/lab/state/state.sh takes it as OSK_STATE_PORT). */
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = { ...process.env, OSK_STATE_PORT: String(STATE_PORT) }): string => labRun(cmd, args, env);

/** The sites of the lab fleet, from its stack files. */
export function fleetSites(): string[] {
    return siteNames(readdirSync(FLEET_SOURCE));
}

/** A site's kubeconfig, as its cluster wrote it. */
export function siteKubeconfig(site: string): string {
    return join(paths.site(site), "cluster", "kubeconfig");
}

/** The environment every fleet command of the lab runs with: the engine, the object store, the passphrase. */
export function fleetEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...engineEnv(), PULUMI_CONFIG_PASSPHRASE_FILE: paths.passphrase, PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_SKIP_CONFIRMATIONS: "true", NO_COLOR: "1" };
    for (const line of run("bash", ["tools/lab/state/state.sh", "env", paths.state]).split("\n")) {
        const m = /^export ([A-Z_]+)='(.*)'$/.exec(line.trim());
        if (m) env[m[1]] = m[2];
    }
    env.PULUMI_BACKEND_URL = env.OSK_BACKEND;
    return env;
}

/** One site's stack in the fleet project, for direct pulumi commands (export, cancel, recovery). */
export function siteWorkspace(site: string): Workspace {
    return { dir: paths.project, stack: site, env: fleetEnv(), dispose: () => undefined };
}

export function fleetProject(): string {
    return paths.project;
}

/** The project: the repository's sources linked; fleets/ and the site stack files copied once (see the top). */
export function prepareProject(extraStackFiles: Record<string, string> = {}): void {
    mkdirSync(paths.project, { recursive: true });
    for (const entry of readdirSync(ROOT)) {
        if (entry.startsWith("Pulumi.") || entry.startsWith(".") || entry === "test" || entry === "fleets") continue;
        if (!existsSync(join(paths.project, entry))) symlinkSync(join(ROOT, entry), join(paths.project, entry));
    }
    if (!existsSync(join(paths.project, "Pulumi.yaml"))) cpSync(join(ROOT, "Pulumi.yaml"), join(paths.project, "Pulumi.yaml"));
    if (!existsSync(join(paths.project, "fleets"))) cpSync(join(ROOT, "fleets"), join(paths.project, "fleets"), { recursive: true });
    for (const site of fleetSites()) {
        const file = `Pulumi.${site}.yaml`;
        if (!existsSync(join(paths.project, file))) cpSync(join(FLEET_SOURCE, file), join(paths.project, file));
    }
    for (const [site, text] of Object.entries(extraStackFiles)) {
        if (!existsSync(join(paths.project, `Pulumi.${site}.yaml`))) writeFileSync(join(paths.project, `Pulumi.${site}.yaml`), text);
    }
}

/** A cluster's nodes file from the site's inventory (kwok makes them Ready). */
function nodesOf(site: string): string[] {
    const doc = parse(readFileSync(join(FLEET_SOURCE, `Pulumi.${site}.yaml`), "utf8")) as { config: Record<string, { nodes?: string[] }> };
    return doc.config["osk:controlPlane"]?.nodes ?? [];
}

/** What every site shares: the tools, the state store, the chart repository, the passphrase, the kwok stages. */
export function startSharedServices(): void {
    mkdirSync(FLEET_LAB, { recursive: true, mode: 0o700 });
    // Its progress on stderr, as the kwok lab's: on a cold machine this builds (or waits for another part's build).
    labRun("bash", ["tools/k8s-tools.sh", "kubernetes", "etcd", "kwok", "helm", "versitygw"], process.env, "inherit");
    run("bash", ["tools/lab/state/state.sh", "up", paths.state]);
    run("bash", ["test/lab/charts/package.sh", paths.charts]);
    startChartServer(paths.charts, FLEET_CHART_PORT, paths.chartPid, join(FLEET_LAB, "chart-server.log"));
    // The sites' pods take the kwok lab's time, at its pace.
    const scale = labTimeScale();
    if (scale > 0) writeFileSync(paths.stages, delayedStages(kwokModuleDir(kwokVersion()), scale));
    if (!existsSync(paths.passphrase)) writeFileSync(paths.passphrase, randomBytes(24).toString("hex"), { mode: 0o600 });
}

/** A kwok cluster with these nodes under the fleet lab's `sites/<name>` (kept when it is already healthy). */
export function startCluster(name: string, nodes: readonly string[]): string {
    mkdirSync(paths.site(name), { recursive: true });
    writeFileSync(join(paths.site(name), "nodes.txt"), nodes.join("\n") + "\n");
    const cluster = join(paths.site(name), "cluster");
    if (spawnSync("bash", ["tools/lab/cluster.sh", "status", cluster], { cwd: ROOT, stdio: "ignore" }).status === 0) return join(cluster, "kubeconfig");
    const stages = existsSync(paths.stages) ? { OSK_LAB_STAGES: paths.stages } : {};
    run("bash", ["tools/lab/cluster.sh", "up", cluster, join(paths.site(name), "nodes.txt")], { ...process.env, ...stages });
    return join(cluster, "kubeconfig");
}

/** Creates (or selects) a site's stack in the store and sets its kubeconfig secret (on stdin, never on a command line). */
export function initSite(site: string, kubeconfigFile: string): void {
    const ws = siteWorkspace(site);
    const sel = pulumiSync(ws, ["stack", "select", "--create", site, "--secrets-provider", "passphrase", "--non-interactive"]);
    if (sel.code !== 0) throw new Error(`pulumi stack select --create ${site} failed:\n${sel.stderr}`);
    const set = pulumiSync(ws, ["config", "set", "--secret", "osk:kubeconfig", "--stack", site], readFileSync(kubeconfigFile, "utf8"));
    if (set.code !== 0) throw new Error(`setting ${site}'s kubeconfig failed:\n${set.stderr}`);
}

/** Starts the store, the repository and every site's cluster, and sets each site's kubeconfig secret. Idempotent. */
export function startFleetLab(): void {
    startSharedServices();
    // One after the other: cluster.sh lets one kwokctl create pick its ports at a time on the machine anyway.
    // Each is its own etcd, API server, controller manager, scheduler and kwok.
    const kubeconfigs = new Map(fleetSites().map((site) => [site, startCluster(site, nodesOf(site))]));
    prepareProject();
    for (const [site, kubeconfig] of kubeconfigs) initSite(site, kubeconfig);
    say(`${fleetSites().length} site clusters, the chart repository (:${FLEET_CHART_PORT}) and the state store are up`);
}

/** Runs `./osk fleet ...` against the lab fleet's project; resolves with its exit code and output. */
export function runFleet(args: string[], onLine?: (line: string) => void): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
    return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "tools", "fleet", "fleet.ts"), ...args, "--project", paths.project], { cwd: ROOT, env: fleetEnv(), stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let partial = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => {
            stderr += d.toString();
            const lines = (partial + d.toString()).split("\n");
            partial = lines.pop() ?? "";
            for (const l of lines) onLine?.(l);
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 }));
    });
}

/** Stops every site cluster, the repository and the store by PID, and removes the fleet lab's directory. */
export function stopFleetLab(): void {
    const errors: string[] = [];
    const attempt = (what: string, fn: () => void) => { try { fn(); } catch (e) { errors.push(`${what}: ${(e as Error).message}`); } };
    if (existsSync(join(FLEET_LAB, "sites"))) {
        for (const site of readdirSync(join(FLEET_LAB, "sites"))) attempt(`${site}'s cluster`, () => run("bash", ["tools/lab/cluster.sh", "down", join(paths.site(site), "cluster")]));
    }
    attempt("chart repository", () => {
        if (!existsSync(paths.chartPid)) return;
        try { process.kill(Number(readFileSync(paths.chartPid, "utf8")), "SIGTERM"); } catch { /* already gone */ }
    });
    if (existsSync(paths.state)) attempt("state store", () => run("bash", ["tools/lab/state/state.sh", "down", paths.state]));
    if (errors.length) throw new Error(`the fleet lab did not stop cleanly:\n${errors.join("\n")}`);
    rmSync(FLEET_LAB, { recursive: true, force: true });
    say("fleet lab stopped and removed");
}

async function main(): Promise<void> {
    const cmd = process.argv[2] ?? "status";
    if (cmd === "up") {
        startFleetLab();
        const out = await runFleet(["up", "--parallel", String(fleetSites().length)], (l) => console.error(l));
        console.log(out.stdout);
        console.log(`Where to look:
  project     ${paths.project}   (./osk fleet preview --project ${paths.project} with: eval "$(bash tools/lab/state/state.sh env ${paths.state})")
  kubeconfigs ${fleetSites().map(siteKubeconfig).join("\n              ")}
  state       ${paths.state}/data (the bucket osk-state)
Tear it down with: ./osk lab fleet down`);
        process.exit(out.code);
    } else if (cmd === "down") {
        stopFleetLab();
    } else if (cmd === "status") {
        for (const site of existsSync(join(FLEET_LAB, "sites")) ? readdirSync(join(FLEET_LAB, "sites")) : []) {
            const r = spawnSync("bash", ["tools/lab/cluster.sh", "status", join(paths.site(site), "cluster")], { cwd: ROOT, encoding: "utf8" });
            console.log(`${site}: ${r.status === 0 ? "healthy" : "not healthy"}`);
        }
        console.log(spawnSync("bash", ["tools/lab/state/state.sh", "status", paths.state], { cwd: ROOT, encoding: "utf8" }).stdout.trim());
    } else {
        console.error("usage: ./osk lab fleet up|down|status");
        process.exit(2);
    }
}

if (require.main === module) void main().catch((e: Error) => { console.error(`[lab-fleet] ${e.message}`); process.exit(1); });
