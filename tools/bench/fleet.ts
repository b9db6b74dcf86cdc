// ./osk bench fleet: what a fleet preview costs as the fleet grows. Previews of 1, 4 and 16 sites through
// `./osk fleet preview` (the Automation API, state on the lab's S3 store), each site a full stack of the lab fleet's
// shape. The sites are new (every resource a create) and all point at one real kwok cluster: a preview writes
// nothing, so one cluster answers for sixteen, where sixteen clusters would not fit beside the rest. Prints wall
// time and the peak memory of the whole process tree (fleet runner, CLIs, language hosts, providers), and the
// parallel against the one-at-a-time time of the same 4 sites.
import { spawn } from "child_process";
import { cpus } from "os";
import { join } from "path";
import { treeRssKb, ROOT } from "../engine/workspace";
import { fleetEnv, fleetProject, initSite, prepareProject, startCluster, startSharedServices, stopFleetLab } from "../lab/fleet";
import { parseFleetArgs } from "../fleet/plan";

const NODES = ["bench-ctl-1", "bench-cmp-1"];
const SIZES = [1, 4, 16];

function siteFile(n: number): string {
    const name = `bench-${String(n).padStart(2, "0")}`;
    return `# A bench site: the lab fleet's shape, on the bench's one cluster.
config:
  osk:layers: [fleets/lab/common.yaml]
  osk:site: { name: ${name}, region: Bench${n}, domain: ${name}.fleet.osk.internal }
  osk:controlPlane: { nodes: [${NODES.join(", ")}] }
  osk:nodeRoles: { controlPlane: [${NODES[0]}], compute: [${NODES[1]}] }
`;
}

interface Figure { sites: number; parallel: number; seconds: number; peakMiB: number; ok: boolean }

function previewOf(sites: string[], parallel: number): Promise<Figure> {
    return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "tools", "fleet", "fleet.ts"), "preview", "--parallel", String(parallel), "--project", fleetProject(), ...sites], { cwd: ROOT, env: fleetEnv(), stdio: ["ignore", "ignore", "ignore"] });
        let peak = 0;
        const timer = setInterval(() => child.pid && (peak = Math.max(peak, treeRssKb(child.pid))), 200);
        child.on("error", reject);
        child.on("close", (code) => {
            clearInterval(timer);
            resolve({ sites: sites.length, parallel, seconds: (Date.now() - t0) / 1000, peakMiB: peak / 1024, ok: code === 0 });
        });
    });
}

async function main(): Promise<void> {
    const parallel = parseFleetArgs(["preview"]).parallel;
    const t0 = Date.now();
    startSharedServices();
    const kubeconfig = startCluster("bench", NODES);
    const files = Object.fromEntries(Array.from({ length: Math.max(...SIZES) }, (_, i) => [`bench-${String(i + 1).padStart(2, "0")}`, siteFile(i + 1)]));
    prepareProject(files);
    for (const site of Object.keys(files)) initSite(site, kubeconfig);
    console.error(`[bench-fleet] store, repository, one cluster and ${Object.keys(files).length} stacks ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const sites = Object.keys(files);
    const figures: Figure[] = [];
    try {
        for (const n of SIZES) {
            figures.push(await previewOf(sites.slice(0, n), Math.min(parallel, n)));
            console.error(`[bench-fleet] ${n} site(s): ${figures[figures.length - 1].seconds.toFixed(1)} s`);
        }
        figures.push(await previewOf(sites.slice(0, 4), 1));
    } finally {
        stopFleetLab();
    }
    console.log(`fleet preview (new sites, every resource a create; ${parallel} at a time on ${cpus().length} cores)`);
    console.log("sites  at once  wall time  per site  peak memory  result");
    for (const f of figures) {
        console.log(`${String(f.sites).padEnd(5)}  ${String(f.parallel).padEnd(7)}  ${`${f.seconds.toFixed(1)} s`.padEnd(9)}  ${`${(f.seconds / f.sites).toFixed(1)} s`.padEnd(8)}  ${`${f.peakMiB.toFixed(0)} MiB`.padEnd(11)}  ${f.ok ? "ok" : "FAILED"}`);
    }
    const par = figures.find((f) => f.sites === 4 && f.parallel > 1);
    const seq = figures.find((f) => f.sites === 4 && f.parallel === 1);
    if (par && seq) console.log(`4 sites: ${seq.seconds.toFixed(1)} s one at a time, ${par.seconds.toFixed(1)} s ${par.parallel} at a time: ${(seq.seconds / par.seconds).toFixed(2)}x`);
    if (!figures.every((f) => f.ok)) process.exit(1);
}

void main().catch((e: Error) => {
    console.error(`[bench-fleet] ${e.message}`);
    process.exit(1);
});
