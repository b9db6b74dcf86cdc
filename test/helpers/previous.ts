// Earlier releases of OSK, taken from git, for the tests that prove an upgrade from them: the release before the osk
// provider plugin (its own resources dynamic providers), and the last one whose tenant identity was still OSK's
// hand-written Keystone resources.
import { execFileSync } from "child_process";
import { mkdirSync, rmSync, symlinkSync } from "fs";
import { join } from "path";
import { ROOT } from "../../tools/engine/workspace";

/** The last commit of OSK whose own resources were dynamic providers. */
export const PREVIOUS_RELEASE = "ed13863747effc0a8b6758655ea8a8efed1024cf";

/** The last commit whose own resources were on the osk plugin and whose tenant identity was still the dynamic
 * Keystone resources (`./osk upgrade` moves a stack from there onto the OpenStack provider). */
export const PLUGIN_RELEASE = "1edbf98bac8404a4158fc1a563684f82f1650e92";

/** The tree of `release` (default {@link PREVIOUS_RELEASE}) in `dir`, with this checkout's npm packages (the pins
 * they share are the same). */
export function previousRelease(dir: string, release = PREVIOUS_RELEASE): string {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync("bash", ["-c", `git -C "${ROOT}" archive ${release} | tar -x -C "${dir}"`]);
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    return dir;
}
