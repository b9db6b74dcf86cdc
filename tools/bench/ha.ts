// ./osk bench ha: the HA lab's figures, on the lab hosts (tools/lab/hosts). Hosts ready, cluster converge, one
// control-plane join and one worker join (as the engine timed their steps), the failover gap on the VIP and the
// lease move when master 1 loses power, master 1 back Ready, a node reset (kubeadm reset on destroy), and memory
// per host. Uses its own lab directory and removes it at the end.
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

process.env.OSK_LAB_HA_DIR = mkdtempSync(join(tmpdir(), "osk-lab-ha-bench-"));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ha = require("../lab/hosts/ha") as typeof import("../lab/hosts/ha");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engine = require("../engine/workspace") as typeof import("../engine/workspace");

async function main(): Promise<void> {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    try {
        const hostsReady = ha.startHosts();
        const ws = ha.haWorkspace();
        const up = await ha.converge(ws);
        if (up.code !== 0) throw new Error(`converge failed:\n${up.stdout.slice(-3000)}`);
        ha.writeKubeconfig(ws);
        const joined = ha.stepSeconds(up.stdout);
        const memory = ha.hosts("status");
        const failover = await ha.measureFailover("lab-ha-m1");
        const t1 = Date.now();
        ha.hosts("poweron", "lab-ha-m1");
        for (;;) {
            const node = JSON.parse(ha.kubectl(["get", "node", "lab-ha-m1", "-o", "json"])) as { status: { conditions: { type: string; status: string; lastHeartbeatTime: string }[] } };
            const ready = node.status.conditions.find((c) => c.type === "Ready")!;
            if (ready.status === "True" && Date.parse(ready.lastHeartbeatTime) >= Math.floor(t1 / 1000) * 1000) break;
            if (Date.now() - t1 > 300000) throw new Error("lab-ha-m1 did not come back Ready");
            await new Promise((r) => setTimeout(r, 500));
        }
        const back = Date.now() - t1;
        const destroy = await engine.pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", ha.STACK]);
        if (destroy.code !== 0) throw new Error(`destroy failed:\n${destroy.stdout.slice(-3000)}`);
        const reset = ha.stepSeconds(destroy.stdout);
        console.log(`OSK HA lab benchmark (${new Date().toISOString()})`);
        console.log(`  lab hosts ready (6 hosts: namespaces, sshd, containerd, images imported): ${s(hostsReady)}`);
        console.log(`  cluster converge (init, 2 control-plane joins, 1 worker, CNI, all Ready): ${s(up.ms)}`);
        console.log(`  init on lab-ha-m1:                                                     ${joined["cluster-init-lab-ha-m1 created"] ?? "?"} s`);
        console.log(`  control-plane join (lab-ha-m2, lab-ha-m3):                             ${joined["cluster-join-lab-ha-m2 created"] ?? "?"} s, ${joined["cluster-join-lab-ha-m3 created"] ?? "?"} s`);
        console.log(`  worker join (lab-ha-w1):                                               ${joined["cluster-join-lab-ha-w1 created"] ?? "?"} s`);
        console.log(`  failover, longest gap on the VIP after master 1 lost power:             ${s(failover.gapMs)}`);
        for (const [lease, ms] of Object.entries(failover.leaseMoveMs)) console.log(`  lease ${lease} moved off master 1 after:${" ".repeat(Math.max(1, 31 - lease.length))}${s(ms)}`);
        for (const [lease, holder] of Object.entries(failover.holdersBefore)) if (!(lease in failover.leaseMoveMs)) console.log(`  lease ${lease}: held by ${holder.split("_")[0]}, did not have to move`);
        console.log(`  master 1 back Ready after power-on (kept disk):                        ${s(back)}`);
        console.log(`  node leaving on destroy (drain, kubeadm reset, node removal), per step: ${Object.entries(reset).filter(([k]) => k.includes("deleted")).map(([k, v]) => `${k.split(" ")[0].replace(/^cluster-/, "")} ${v} s`).join(", ")}`);
        console.log(`  destroy:                                                               ${s(destroy.ms)}`);
        console.log("  memory and disk per host (converged, idle):");
        for (const line of memory.trim().split("\n")) console.log(`    ${line}`);
    } finally {
        await ha.down();
    }
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
});
