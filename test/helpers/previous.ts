// The release of OSK before the osk provider plugin, whose own resources were dynamic providers: the code an
// upgrade starts from, taken from git, for the tests that prove the move onto the plugin.
import { execFileSync } from "child_process";
import { mkdirSync, rmSync, symlinkSync } from "fs";
import { join } from "path";
import { ROOT } from "../../tools/engine/workspace";

/** The last commit of OSK whose own resources were dynamic providers. */
export const PREVIOUS_RELEASE = "ed13863747effc0a8b6758655ea8a8efed1024cf";

/** The previous release's tree in `dir`, with this checkout's npm packages (the pins they share are the same). */
export function previousRelease(dir: string): string {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync("bash", ["-c", `git -C "${ROOT}" archive ${PREVIOUS_RELEASE} | tar -x -C "${dir}"`]);
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    return dir;
}
