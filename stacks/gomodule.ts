// A Go module's directory in the Go module cache, downloaded from the module proxy when missing (`go mod download`,
// keyed by version): how the program and OSK's tools read files upstream publishes only as Go modules.
import { spawnSync } from "child_process";

/** The directory of `module@version`; throws with go's own reason (or the failure to run go) when it cannot. */
export function goModuleDir(moduleAtVersion: string, env: NodeJS.ProcessEnv = process.env): string {
    const res = spawnSync("go", ["mod", "download", "-json", moduleAtVersion], { encoding: "utf8", cwd: "/", env: { ...env, GOFLAGS: "-mod=mod" } });
    let out: { Dir?: string; Error?: string } = {};
    try {
        out = JSON.parse(res.stdout || "{}");
    } catch {
        // not JSON: go failed before it could say more; its stderr says why
    }
    if (res.status === 0 && out.Dir) return out.Dir;
    throw new Error(res.error ? res.error.message : (out.Error ?? res.stderr.trim()) || `exit ${res.status}`);
}
