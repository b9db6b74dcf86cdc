// Recovery after a killed run: a truncated checkpoint is restored from the newest backup that parses, a truncated
// attributes sidecar is removed, and the pending creates found in a cloud become recorded resources while the
// others stay pending, to be cleared.
import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { adoptPendingCreates, pendingCreates, repairCheckpoint } from "../../../tools/engine/recover";

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

    describe("adopting pending creates into the state", () => {
        const stackUrn = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
        const lb = { urn: "urn:pulumi:s::p::openstack:loadbalancer/loadBalancer:LoadBalancer::tenant-lb", custom: true, type: "openstack:loadbalancer/loadBalancer:LoadBalancer", inputs: { name: "lab-api", vipAddress: "192.168.100.5" }, parent: stackUrn, provider: "urn:pulumi:s::p::pulumi:providers:openstack::os::42", dependencies: ["urn:x::subnet"] };
        const port = { urn: "urn:pulumi:s::p::openstack:networking/port:Port::tenant-m1", custom: true, type: "openstack:networking/port:Port", inputs: { name: "m1" }, parent: stackUrn };
        const exported = JSON.stringify({
            version: 3,
            deployment: {
                manifest: {},
                resources: [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" }],
                pending_operations: [
                    { type: "creating", resource: lb },
                    { type: "creating", resource: port },
                    { type: "deleting", resource: { urn: "urn:x::old", type: "t" } },
                ],
            },
        });

        it("records each found create with its id, parent, provider, dependencies and its inputs as outputs, after what was recorded", () => {
            const doc = JSON.parse(adoptPendingCreates(exported, new Map([[lb.urn, { id: "lb-id" }]])));
            const resources = doc.deployment.resources as Record<string, unknown>[];
            assert.deepEqual(resources.map((r) => r.urn), [stackUrn, lb.urn]);
            assert.deepEqual(resources[1], { ...lb, id: "lb-id", outputs: lb.inputs });
            // The one not found stays pending (to be cleared); other kinds of operation are left alone.
            assert.deepEqual(pendingCreates(JSON.stringify(doc)).map((p) => p.urn), [port.urn]);
            assert.deepEqual((doc.deployment.pending_operations as { type: string }[]).map((o) => o.type), ["creating", "deleting"]);
        });

        it("adopts nothing when nothing was found, and refuses a URN that is not a pending create", () => {
            assert.deepEqual(JSON.parse(adoptPendingCreates(exported, new Map())), JSON.parse(exported));
            assert.throws(() => adoptPendingCreates(exported, new Map([["urn:x::old", { id: "id" }]])), /not a pending create in the state: urn:x::old/);
        });

        it("puts what the provider's state holds over the inputs where the adoption says it differs", () => {
            const doc = JSON.parse(adoptPendingCreates(exported, new Map([[port.urn, { id: "p", outputs: { name: "hashed" } }]])));
            const adopted = (doc.deployment.resources as { urn: string; inputs: unknown; outputs: unknown }[]).find((r) => r.urn === port.urn)!;
            assert.deepEqual(adopted.inputs, { name: "m1" }, "the inputs stay the program's");
            assert.deepEqual(adopted.outputs, { name: "hashed" });
        });
    });

});
