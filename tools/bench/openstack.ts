// The lab's OpenStack figures, printed by ./osk bench lab: install (cached after the first), start from empty
// databases, restart of the same state, summed memory of its processes; with the OpenStack provider plugin
// installed, the tenant infrastructure's converge, no-op up, destroy and the time per resource kind.
import { rmSync } from "fs";
import { join } from "path";
import { openstackAdmin, openstackPids, openstackRssMb, startOpenStack, stopOpenStack } from "../lab/openstack/openstack";
import { perKindSeconds, providerPlugin, tenantWorkspace } from "../lab/openstack/tenant";
import { pulumiRun } from "../engine/workspace";

const s = (sec: number) => `${sec.toFixed(1)} s`;

export async function benchOpenStack(dir: string): Promise<void> {
    try {
        const cold = startOpenStack(dir);
        const memory = openstackRssMb(dir);
        const processes = openstackPids(dir).length;
        console.log(`OSK lab OpenStack benchmark (${new Date().toISOString()})`);
        console.log(`  install (apt-get; 0 when installed already):                       ${s(cold.installSeconds)}`);
        console.log(`  start from empty databases (every API answering, 3 computes mapped): ${s(cold.startSeconds)}`);
        for (const p of cold.phases) console.log(`    ${p}`);
        console.log(`  operator fixtures:                                                 ${s(cold.fixturesSeconds)}`);
        console.log(`  memory (RSS summed over ${processes} processes):                      ${memory} MiB`);
        const plugin = providerPlugin();
        if (plugin) {
            const ws = tenantWorkspace(join(dir, "..", "tenant-bench"), openstackAdmin(dir).password);
            const run = async (what: string, args: string[]) => {
                const out = await pulumiRun(ws, args);
                if (out.code !== 0) throw new Error(`${what} failed:\n${out.stdout.slice(-3000)}`);
                return out;
            };
            const up = await run("tenant converge", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", ws.stack]);
            const noop = await run("tenant no-op up", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", ws.stack]);
            const destroy = await run("tenant destroy", ["destroy", "--yes", "--non-interactive", "--stack", ws.stack]);
            console.log(`  tenant infrastructure converge:                                    ${s(up.ms / 1000)} (peak ${Math.round(up.peakRssKb / 1024)} MiB)`);
            for (const [kind, sec] of perKindSeconds(up.stdout)) console.log(`    ${kind.padEnd(40)} ${s(sec)} (longest create)`);
            console.log(`  tenant no-op up:                                                   ${s(noop.ms / 1000)}`);
            console.log(`  tenant destroy:                                                    ${s(destroy.ms / 1000)}`);
            ws.dispose();
        } else {
            console.log("  tenant infrastructure: not measured (no pulumi-resource-openstack plugin in PULUMI_HOME)");
        }
        stopOpenStack(dir);
        const warm = startOpenStack(dir);
        console.log(`  restart of the same state (schemas kept):                          ${s(warm.startSeconds)}`);
    } finally {
        stopOpenStack(dir);
        rmSync(dir, { recursive: true, force: true });
    }
}
