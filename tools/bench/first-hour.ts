// ./osk bench first-hour: the figures the README states for a newcomer: wall time and peak memory of `./osk test`
// and `./osk run` (with `./osk lab down` after), warm, and with --cold from a fresh clone into empty caches (the
// Go module and build caches, ~/.cache/osk, node_modules), plus how much disk each cache grew by.
//
//   ./osk bench first-hour           warm: this checkout, the caches as they are
//   ./osk bench first-hour --cold    a clone of HEAD into a scratch directory, every cache empty; an hour or more
//   ./osk bench first-hour --only doctor,graph   just the named steps (doctor, graph, test, run)
//
// Peak memory is the largest sum of the resident memory of the step's whole process tree, sampled every 0.5 s.
// The lab binds fixed loopback ports: run it alone on the machine.
import { spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT, treeRssKb } from "../engine/workspace";

interface Figure {
    step: string;
    seconds: number;
    peakMiB: number;
    /** The machine's mean 1-minute load average over the step: on 2 cores, above 2 means others shared it. */
    meanLoad: number;
    code: number;
}

const loadNow = (): number => Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);


function measure(step: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Figure> {
    return new Promise((resolve) => {
        const t0 = Date.now();
        const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
        let peak = 0;
        const loads: number[] = [];
        const timer = setInterval(() => {
            peak = Math.max(peak, treeRssKb(child.pid!));
            loads.push(loadNow());
        }, 500);
        child.on("exit", (code) => {
            clearInterval(timer);
            const meanLoad = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
            resolve({ step, seconds: (Date.now() - t0) / 1000, peakMiB: peak / 1024, meanLoad, code: code ?? -1 });
        });
    });
}

function duBytes(dir: string): number {
    if (!existsSync(dir)) return 0;
    const out = spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout;
    return Number(out.split("\t")[0]) || 0;
}

async function main(): Promise<void> {
    const cold = process.argv.includes("--cold");
    const onlyArg = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : "doctor,graph,test,run";
    const only = new Set(onlyArg.split(","));
    let dir = ROOT;
    let scratch: string | undefined;
    const env: NodeJS.ProcessEnv = { ...process.env, OSK_PROGRESS: "plain" };
    const goEnv = (v: string) => spawnSync("go", ["env", v], { encoding: "utf8" }).stdout.trim();
    if (cold) {
        scratch = mkdtempSync(join(tmpdir(), "osk-first-hour-"));
        dir = join(scratch, "osk");
        spawnSync("git", ["clone", "--quiet", ROOT, dir], { stdio: "inherit" });
        Object.assign(env, { OSK_CACHE: join(scratch, "cache"), GOMODCACHE: join(scratch, "gomod"), GOCACHE: join(scratch, "gocache"), OSK_LAB_DIR: join(scratch, "lab"), OSK_LAB_OPENSTACK_DIR: join(scratch, "lab-openstack"), npm_config_cache: join(scratch, "npm") });
    }
    const caches: Record<string, string> = {
        "~/.cache/osk": env.OSK_CACHE ?? join(process.env.HOME ?? "/root", ".cache", "osk"),
        "Go build cache": env.GOCACHE ?? goEnv("GOCACHE"),
        "Go module cache": env.GOMODCACHE ?? goEnv("GOMODCACHE"),
        "node_modules": join(dir, "node_modules"),
        ...(cold ? { "npm cache": env.npm_config_cache! } : {}),
    };
    const before = Object.fromEntries(Object.entries(caches).map(([k, d]) => [k, duBytes(d)]));
    const figures: Figure[] = [];
    const osk = join(dir, "osk");
    try {
        if (only.has("doctor")) figures.push(await measure("./osk doctor", osk, ["doctor"], dir, env));
        if (only.has("graph")) figures.push(await measure("./osk graph prod", osk, ["graph", "prod", "--format", "dot", "--output", "/dev/null"], dir, env));
        if (only.has("test")) figures.push(await measure("./osk test", osk, ["test"], dir, env));
        if (only.has("run")) {
            figures.push(await measure("./osk run", osk, ["run"], dir, env));
            figures.push(await measure("./osk lab down", osk, ["lab", "down"], dir, env));
        }
    } finally {
        const after = Object.fromEntries(Object.entries(caches).map(([k, d]) => [k, duBytes(d)]));
        const gib = (b: number) => (b / 2 ** 30).toFixed(2);
        console.log(`\nOSK first-hour benchmark (${new Date().toISOString()}, ${cold ? "cold: fresh clone, empty caches" : "warm: this checkout and its caches"})`);
        for (const f of figures) console.log(`  ${f.step.padEnd(18)} ${f.seconds.toFixed(0).padStart(6)} s   peak memory ${f.peakMiB.toFixed(0).padStart(6)} MiB   mean load ${f.meanLoad.toFixed(1).padStart(5)}${f.code === 0 ? "" : `   FAILED (exit ${f.code})`}`);
        console.log("  disk:");
        for (const k of Object.keys(caches)) console.log(`    ${k.padEnd(16)} ${gib(after[k]).padStart(7)} GiB (grew ${gib(after[k] - before[k])} GiB)`);
        if (scratch) {
            spawnSync("chmod", ["-R", "u+w", scratch]);
            rmSync(scratch, { recursive: true, force: true });
        }
    }
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
});
