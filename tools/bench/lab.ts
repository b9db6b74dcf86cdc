// ./osk bench lab: the lab's figures. Lab start time, converge wall time, no-op `up`, destroy, and the converge
// of the same releases forced into upstream's one-at-a-time order, so the parallelism gain is a number. Then the
// lab's OpenStack (tools/lab/openstack): install, start from empty databases, restart, memory, and with the
// OpenStack provider plugin installed the tenant infrastructure's converge, no-op up, destroy and time per kind.
// Uses its own lab directories and removes them at the end.
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

process.env.OSK_LAB_DIR = mkdtempSync(join(tmpdir(), "osk-lab-bench-"));
// A quarter of the real charts' pace unless asked otherwise: slow enough for the plan to matter, a bench of minutes.
process.env.OSK_LAB_TIME_SCALE ??= "0.25";
process.env.OSK_LAB_OPENSTACK_DIR = mkdtempSync(join(tmpdir(), "osk-lab-openstack-bench-"));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const lab = require("../lab/lab") as typeof import("../lab/lab");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engine = require("../engine/workspace") as typeof import("../engine/workspace");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const openstack = require("./openstack") as typeof import("./openstack");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pace = require("./pace") as typeof import("./pace");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sitePlan } = require("../../stacks/charts") as typeof import("../../stacks/charts");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { model } = require("../../test/helpers/models") as typeof import("../../test/helpers/models");

async function main(): Promise<void> {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const t0 = Date.now();
    lab.startServices();
    const start = Date.now() - t0;
    const ws = lab.labWorkspace();
    const up = async (what: string) => {
        const out = await lab.converge(ws);
        if (out.code !== 0) throw new Error(`${what} failed:\n${out.stdout.slice(-3000)}`);
        return out.ms;
    };
    const destroy = async () => {
        const out = await engine.pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", "lab"]);
        if (out.code !== 0) throw new Error(`destroy failed:\n${out.stdout.slice(-3000)}`);
        return out.ms;
    };
    try {
        const parallel = await up("converge");
        const stateBytes = engine.pulumiSync(ws, ["stack", "export", "--stack", "lab"]).stdout.length;
        const noop = await up("no-op up");
        const destroyed = await destroy();
        engine.pulumiSync(ws, ["config", "set", "--path", "osk:platform.serialReleases", "true", "--stack", "lab"]);
        const serial = await up("one-at-a-time converge");
        await destroy();
        console.log(`OSK lab benchmark (${new Date().toISOString()})`);
        console.log(`  lab start (Kubernetes API + kwok nodes, Keystone, chart repository): ${s(start)}`);
        console.log(`  converge, parallel releases:                                       ${s(parallel)}`);
        console.log(`  state export after converge:                                       ${(stateBytes / 1024).toFixed(0)} KiB`);
        console.log(`  no-op up:                                                          ${s(noop)}`);
        console.log(`  destroy:                                                           ${s(destroyed)}`);
        console.log(`  converge, upstream one-at-a-time order:                            ${s(serial)}`);
        console.log(`  parallelism gain (one-at-a-time / parallel):                       ${(serial / parallel).toFixed(2)}x`);
        const scale = lab.labTimeScale();
        const predicted = pace.predictConverge(sitePlan(model("lab")), scale);
        const predictedSerial = pace.predictConverge(sitePlan(model("lab", (v) => (v.platform.serialReleases = true))), scale);
        console.log(`  pods and Jobs at ${scale}x the real charts' pace (OSK_LAB_TIME_SCALE; tools/lab/stages.ts)`);
        console.log(`  the plan predicts, parallel: critical path ${s(predicted.seconds * 1000)} (${predicted.chain.join(" -> ")})`);
        console.log(`  the plan predicts, one-at-a-time: ${s(predictedSerial.seconds * 1000)}; predicted gain ${(predictedSerial.seconds / predicted.seconds).toFixed(2)}x`);
        console.log(`  measured beyond the prediction (the engine's own time): parallel ${s(parallel - predicted.seconds * 1000)}, one-at-a-time ${s(serial - predictedSerial.seconds * 1000)}`);
    } finally {
        await lab.down();
    }
    const openstackRoot = process.env.OSK_LAB_OPENSTACK_DIR!;
    await openstack.benchOpenStack(join(openstackRoot, "openstack"));
    rmSync(openstackRoot, { recursive: true, force: true });
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
});
