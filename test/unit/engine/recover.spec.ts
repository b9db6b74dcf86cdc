// Recovery after a killed run: a truncated checkpoint is restored from the newest backup that parses, a truncated
// attributes sidecar is removed, and pending
// Helm releases are imported while other pending creates are cleared.
import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { recoveryRefreshArgs, repairCheckpoint } from "../../../tools/engine/recover";

describe("recovery after a killed run", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "osk-recover-"));
        mkdirSync(join(dir, ".pulumi", "stacks", "osk"), { recursive: true });
        mkdirSync(join(dir, ".pulumi", "backups", "osk", "lab"), { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const stackFile = () => join(dir, ".pulumi", "stacks", "osk", "lab.json");

    it("leaves an intact checkpoint alone", () => {
        writeFileSync(stackFile(), '{"version":3}');
        assert.equal(repairCheckpoint(dir, "lab"), "checkpoint intact");
    });

    it("restores a truncated checkpoint from the .bak, or else from the newest backup that parses", () => {
        writeFileSync(stackFile(), '{"version":3,"checkpoint":{"st');
        writeFileSync(`${stackFile()}.bak`, '{"version":3,"from":"bak"}');
        assert.match(repairCheckpoint(dir, "lab"), /restored from .*lab\.json\.bak/);
        assert.equal(JSON.parse(readFileSync(stackFile(), "utf8")).from, "bak");

        writeFileSync(stackFile(), "");
        writeFileSync(`${stackFile()}.bak`, "{");
        writeFileSync(join(dir, ".pulumi", "backups", "osk", "lab", "lab.100.json"), '{"from":"old"}');
        writeFileSync(join(dir, ".pulumi", "backups", "osk", "lab", "lab.200.json"), '{"from":"new"}');
        writeFileSync(join(dir, ".pulumi", "backups", "osk", "lab", "lab.300.json"), "{broken");
        repairCheckpoint(dir, "lab");
        assert.equal(JSON.parse(readFileSync(stackFile(), "utf8")).from, "new");
    });

    it("removes a truncated attributes sidecar, which would fail every load with EOF, and keeps the checkpoint", () => {
        writeFileSync(stackFile(), '{"version":3,"from":"current"}');
        writeFileSync(`${stackFile()}.attrs`, "");
        assert.match(repairCheckpoint(dir, "lab"), /attributes were truncated; removed .*lab\.json\.attrs/);
        assert.ok(!existsSync(`${stackFile()}.attrs`));
        assert.equal(JSON.parse(readFileSync(stackFile(), "utf8")).from, "current");
        writeFileSync(`${stackFile()}.attrs`, '{"md5":"x"}');
        assert.equal(repairCheckpoint(dir, "lab"), "checkpoint intact");
        assert.ok(existsSync(`${stackFile()}.attrs`), "an intact sidecar stays");
    });

    it("fails clearly when nothing parses", () => {
        writeFileSync(stackFile(), "");
        assert.throws(() => repairCheckpoint(dir, "lab"), /damaged and no backup parses/);
    });

    it("imports pending releases by namespace/name and clears the other pending creates", () => {
        const args = recoveryRefreshArgs([
            { urn: "urn:a::platform-mariadb", type: "kubernetes:helm.sh/v3:Release", inputs: { name: "mariadb", namespace: "openstack" } },
            { urn: "urn:a::credentials-x", type: "osk:secrets:Generated", inputs: {} },
        ]);
        assert.deepEqual(args, ["refresh", "--yes", "--non-interactive", "--import-pending-creates", "urn:a::platform-mariadb", "--import-pending-creates", "openstack/mariadb", "--clear-pending-creates"]);
        assert.deepEqual(recoveryRefreshArgs([]), ["refresh", "--yes", "--non-interactive"]);
    });

    it("imports the pending creates found elsewhere (Keystone's objects) by their id, and clears only the rest", () => {
        const pending = [
            { urn: "urn:a::tenant-project", type: "openstack:identity/project:Project", inputs: { name: "lab-apps" } },
            { urn: "urn:a::tenant-application-credential", type: "openstack:identity/applicationCredential:ApplicationCredential", inputs: {} },
        ];
        const found = new Map([["urn:a::tenant-project", "p1"]]);
        assert.deepEqual(recoveryRefreshArgs(pending, found), ["refresh", "--yes", "--non-interactive", "--import-pending-creates", "urn:a::tenant-project", "--import-pending-creates", "p1", "--clear-pending-creates"]);
        assert.deepEqual(recoveryRefreshArgs(pending.slice(0, 1), found), ["refresh", "--yes", "--non-interactive", "--import-pending-creates", "urn:a::tenant-project", "--import-pending-creates", "p1"]);
    });
});
