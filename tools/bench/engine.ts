// ./osk bench: figures for the offline engine. Prints, per piece, the build times tools/toolchain.sh recorded
// (cold builds) and a warm toolchain run; then, per committed stack, preview wall time, peak memory of the whole
// process tree and resource counts; and the same engine previewing an empty program (the floor).
//
//   ./osk bench            warm figures (the cold ones are read from the last builds on this machine)
//   ./osk bench --cold     also rebuild the whole engine into empty caches first (Go module and build caches
//                          included), which is what a fresh machine pays; takes several minutes
//   ./osk bench --source DIR   preview another checkout of OSK (e.g. a previous release) on this engine, to compare
//   ./osk bench --no-pack      leave out the previews with the policy pack
//
// "planned state" is the size of the state the preview plans (the steps' new states as JSON): what the stack's state
// will hold for those resources, inputs included, before any output is known.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { createWorkspace, parsePreview, policyArgs, previewSecrets, pulumiRun, ROOT, type Workspace } from "../engine/workspace";

const RUNS = Number(process.env.OSK_BENCH_RUNS ?? 3);

function cache(): string {
    return process.env.OSK_CACHE ?? join(process.env.HOME ?? "/root", ".cache", "osk");
}

function toolchain(env: NodeJS.ProcessEnv): number {
    const t0 = Date.now();
    const res = spawnSync("bash", [join(ROOT, "tools", "toolchain.sh")], { env, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`toolchain failed:\n${res.stderr.slice(-3000)}`);
    return (Date.now() - t0) / 1000;
}

function buildTimes(dir: string): string[] {
    const file = join(dir, "build-times.tsv");
    if (!existsSync(file)) return ["  (no cold build recorded in this cache: run ./osk bench --cold)"];
    const rows = readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split("\t"));
    const lines = rows.map(([piece, secs, when]) => `  ${piece.replace(/^build_/, "").padEnd(12)} ${secs.padStart(5)} s   (built ${when})`);
    // The newest build of each piece: what a cold machine pays for the whole engine.
    const latest = new Map(rows.map(([piece, secs]) => [piece, Number(secs)]));
    const total = [...latest.values()].reduce((a, b) => a + b, 0);
    return [...lines, `  ${"total".padEnd(12)} ${String(total).padStart(5)} s   (newest build of each of ${[...latest.keys()].map((p) => p.replace(/^build_/, "")).join(", ")})`];
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

interface Figures {
    wallS: number;
    peakMiB: number;
    resources: number;
}

async function previewFigures(label: string, make: () => ReturnType<typeof createWorkspace>, withPolicy = false): Promise<Figures> {
    const times: number[] = [];
    const mem: number[] = [];
    let counts = "";
    let resources = 0;
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
        const ws = make();
        try {
            const out = await pulumiRun(ws, ["preview", "--json", "--non-interactive", "--stack", ws.stack, ...(withPolicy ? policyArgs(ws) : [])]);
            if (out.code !== 0) throw new Error(`${label}: preview failed\n${out.stderr}`);
            times.push(out.ms / 1000);
            mem.push(out.peakRssKb / 1024);
            const summary = parsePreview(out.stdout);
            const planned = (JSON.parse(out.stdout) as { steps?: { newState?: unknown }[] }).steps ?? [];
            bytes = planned.reduce((n, st) => n + JSON.stringify(st.newState ?? {}).length, 0);
            const types = new Map<string, number>();
            for (const s of summary.steps) types.set(s.type ?? "?", (types.get(s.type ?? "?") ?? 0) + 1);
            resources = summary.steps.length;
            counts = `${summary.steps.length} resources (${[...types].map(([t, n]) => `${n} ${t}`).join(", ")})`;
        } finally {
            ws.dispose();
        }
    }
    console.log(`  ${label.padEnd(9)} wall ${median(times).toFixed(2)} s (median of ${RUNS}; ${times.map((t) => t.toFixed(2)).join(", ")}), peak memory ${median(mem).toFixed(0)} MiB, planned state ${(bytes / 1024).toFixed(0)} KiB`);
    if (counts) console.log(`  ${"".padEnd(9)} ${counts}`);
    return { wallS: median(times), peakMiB: median(mem), resources };
}

/** A one-line program on the same engine, same tsconfig, same node_modules: the fixed cost of any preview. */
function emptyProject(): string {
    const dir = mkdtempSync(join(tmpdir(), "osk-empty-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: empty\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "empty", private: true, main: "index.ts" }));
    writeFileSync(join(dir, "tsconfig.json"), readFileSync(join(ROOT, "stacks", "tsconfig.json")).toString().replace('"../tsconfig.json"', `"${join(ROOT, "tsconfig.json")}"`));
    writeFileSync(join(dir, "index.ts"), 'export const empty = "yes";\n');
    spawnSync("ln", ["-s", join(ROOT, "node_modules"), join(dir, "node_modules")]);
    return dir;
}

async function main(): Promise<void> {
    const cold = process.argv.includes("--cold");
    const pack = !process.argv.includes("--no-pack");
    const at = process.argv.indexOf("--source");
    const source = at > 0 ? process.argv[at + 1] : ROOT;
    console.log(`OSK engine benchmark (${new Date().toISOString()}, ${RUNS} runs per figure)\n`);
    if (cold) {
        const scratch = mkdtempSync(join(tmpdir(), "osk-cold-"));
        console.log(`cold build into empty caches under ${scratch} ...`);
        const secs = toolchain({ ...process.env, OSK_CACHE: join(scratch, "osk"), GOMODCACHE: join(scratch, "gomod"), GOCACHE: join(scratch, "gocache") });
        console.log(`cold engine build, total: ${secs.toFixed(0)} s`);
        console.log(buildTimes(join(scratch, "osk")).join("\n"));
        spawnSync("chmod", ["-R", "u+w", scratch]);
        rmSync(scratch, { recursive: true, force: true });
    } else {
        console.log("cold build times recorded in this cache (seconds, per piece):");
        console.log(buildTimes(cache()).join("\n"));
    }
    const warm = [0, 1, 2].map(() => toolchain(process.env));
    console.log(`warm toolchain run (everything cached): ${median(warm).toFixed(2)} s (median of 3)\n`);

    console.log(`pulumi preview, offline engine (every resource, the tenant's OpenStack infrastructure included)${source === ROOT ? "" : ` (program: ${source})`}:`);
    const figures: Record<string, Figures> = {};
    for (const stack of ["dev", "prod"]) {
        const workspace = (): Workspace => createWorkspace(stack, previewSecrets(stack, source), source);
        figures[stack] = await previewFigures(stack, workspace);
        if (pack) figures[`${stack}+pack`] = await previewFigures(`${stack}+pack`, workspace, true);
    }
    const empty = emptyProject();
    try {
        figures.empty = await previewFigures("empty", () => createWorkspace("bench", {}, empty));
    } finally {
        rmSync(empty, { recursive: true, force: true });
    }
    const floor = figures.empty;
    for (const label of ["prod", "prod+pack"]) {
        const f = figures[label];
        console.log(`  ${label} over the empty-program floor: +${(f.wallS - floor.wallS).toFixed(2)} s, +${(f.peakMiB - floor.peakMiB).toFixed(0)} MiB, ${f.resources} resources`);
    }
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
});
