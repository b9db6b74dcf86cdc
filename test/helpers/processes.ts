// The processes a test started, found through the process table: the lab tests kill or check whole trees.
import { spawnSync } from "child_process";

/** A process and all its descendants. */
export function processTree(root: number): number[] {
    const ps = spawnSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).stdout.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    const out = [root];
    for (let i = 0; i < out.length; i++) for (const [pid, ppid] of ps) if (ppid === out[i]) out.push(pid);
    return out;
}
