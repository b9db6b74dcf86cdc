// The engine's workspace: what the engine and the plugins it starts get around them.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { existsSync, statSync } from "fs";
import { dirname } from "path";
import { createWorkspace } from "../../tools/engine/workspace";

describe("the engine's workspace", function () {
    this.timeout(120000);

    it("gives the engine and its plugins a temporary directory of its own, private, emptied at start and removed with it", () => {
        const ws = createWorkspace("lab");
        const scratch = ws.env.TMPDIR!;
        try {
            assert.equal(dirname(scratch), dirname(ws.dir), "inside the workspace, beside the project");
            assert.equal(statSync(scratch).mode & 0o777, 0o700);
            // What a plugin's temporary file does (the Kubernetes provider's kubeconfigs): it lands there, not in /tmp.
            const made = spawnSync("mktemp", [], { env: ws.env, encoding: "utf8" }).stdout.trim();
            assert.equal(dirname(made), scratch);
            // A persistent workspace opened again starts with it empty.
            const again = createWorkspace("lab", {}, undefined, dirname(ws.dir));
            assert.equal(again.env.TMPDIR, scratch);
            assert.ok(!existsSync(made), "emptied when the workspace is opened again");
        } finally {
            ws.dispose();
        }
        assert.ok(!existsSync(scratch), "removed with the workspace");
    });
});
