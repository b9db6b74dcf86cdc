import { strict as assert } from "assert";
import { backendUrl, describeBackend, secretsProvider, DEFAULT_STATE_DIR } from "../../../tools/engine/backend";
import { engineReason } from "../../../tools/fleet/fleet";
import { parseFleetArgs, runPool, selectSites, siteNames, stepKey, summaryTable, type SiteResult } from "../../../tools/fleet/plan";

const result = (site: string, ok: boolean, extra: Partial<SiteResult> = {}): SiteResult => ({
    site, ok, changes: { update: 1, same: 47 }, steps: [], seconds: 12.34, policy: { mandatory: 0, advisory: 14 }, ...extra,
});

describe("./osk fleet", () => {
    describe("arguments", () => {
        it("takes the action, --parallel, --project, --refresh, --json and site names", () => {
            assert.deepEqual(parseFleetArgs(["up", "--parallel", "3", "--project", "/p", "--refresh", "--json", "/r.json", "lab-a", "lab-b"], 2), {
                action: "up", parallel: 3, project: "/p", refresh: true, json: "/r.json", sites: ["lab-a", "lab-b"],
            });
        });

        it("runs as many sites at once as the machine has cores, at most four, by default", () => {
            assert.equal(parseFleetArgs(["preview"], 2).parallel, 2);
            assert.equal(parseFleetArgs(["preview"], 16).parallel, 4);
            assert.equal(parseFleetArgs(["preview"], 1).parallel, 1);
        });

        it("refuses an unknown action, option or a bad count, saying what is allowed", () => {
            assert.throws(() => parseFleetArgs(["destroy"]), /"destroy" is not an action; allowed: preview, up/);
            assert.throws(() => parseFleetArgs(["up", "--parallel", "0"]), /--parallel "0" is not a whole number of sites at once/);
            assert.throws(() => parseFleetArgs(["up", "--parallel"]), /--parallel needs a value/);
            assert.throws(() => parseFleetArgs(["up", "--all"]), /unknown option --all; allowed: --parallel N, --project DIR, --refresh, --json FILE/);
        });
    });

    describe("sites", () => {
        it("are the project's Pulumi.<site>.yaml files", () => {
            assert.deepEqual(siteNames(["Pulumi.yaml", "Pulumi.lab-b.yaml", "index.ts", "Pulumi.lab-a.yaml", "Pulumi.prod.yml"]), ["lab-a", "lab-b"]);
        });

        it("are all of them, or those named, in the project's order; an unknown one is refused before anything runs", () => {
            assert.deepEqual(selectSites(["a", "b", "c"], []), ["a", "b", "c"]);
            assert.deepEqual(selectSites(["a", "b", "c"], ["c", "a"]), ["a", "c"]);
            assert.throws(() => selectSites(["a", "b"], ["a", "x"]), /no stack file for x; sites of this project: a, b/);
            assert.throws(() => selectSites([], []), /no Pulumi.<site>.yaml files/);
        });
    });

    describe("the pool", () => {
        it("never runs more than N at once, runs every item even when some fail, and keeps their order", async () => {
            let running = 0;
            let most = 0;
            const out = await runPool([5, 1, 4, 2, 3, 0], 2, async (ms) => {
                running++;
                most = Math.max(most, running);
                await new Promise((r) => setTimeout(r, ms * 5));
                running--;
                return ms === 4 ? "failed" : `ok ${ms}`;
            });
            assert.equal(most, 2);
            assert.deepEqual(out, ["ok 5", "ok 1", "failed", "ok 2", "ok 3", "ok 0"]);
        });
    });

    describe("what sites are compared by", () => {
        it("a step is its operation, type and name, the site's own name generalized", () => {
            const urn = "urn:pulumi:lab-b::osk::osk:openstack:Services$kubernetes:helm.sh/v3:Release::openstack-glance-release";
            assert.equal(stepKey("update", urn, "lab-b"), "update kubernetes:helm.sh/v3:Release openstack-glance-release");
            assert.equal(stepKey("create", "urn:pulumi:lab-b::osk::kubernetes:core/v1:Namespace::ns-lab-b-apps", "lab-b"), "create kubernetes:core/v1:Namespace ns-<site>-apps");
        });

        it("the table has a line per site, the totals, and why each failed site failed", () => {
            const table = summaryTable("up", [result("lab-a", true), result("lab-b", false, { error: "the stack is currently locked by 1 lock(s)" })]);
            const lines = table.split("\n");
            assert.match(lines[0], /^site\s+result\s+create\s+update\s+replace\s+delete\s+same\s+policy \(mandatory\/advisory\)\s+duration$/);
            assert.match(lines[2], /^lab-a\s+ok\s+0\s+1\s+0\s+0\s+47\s+0\/14\s+12\.3 s$/);
            assert.match(lines[3], /^lab-b\s+FAILED\s/);
            assert.match(table, /fleet up: 1 of 2 sites ok, failed: lab-b\n {2}lab-b: the stack is currently locked by 1 lock\(s\)/);
        });

        it("the engine's reason is the end of its stderr, without the command line", () => {
            // As the Automation API words it: the exit code, the output, then the command it ran.
            const message = "code: 255\n stdout: \n stderr: Updating (lab-a):\nerror: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  s3://osk-state/.pulumi/locks/x.json: created by root@host (pid 42) at 2026-12-01T23:00:00Z\n\n err?: Error: Command failed with exit code 255: pulumi up --yes --stack lab-a --non-interactive\n";
            assert.equal(engineReason(message), "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`. | s3://osk-state/.pulumi/locks/x.json: created by root@host (pid 42) at 2026-12-01T23:00:00Z");
        });
    });

    describe("the backend and the secrets provider (OSK_BACKEND, OSK_SECRETS_PROVIDER)", () => {
        it("is the local file backend when unset, and any Pulumi backend URL when set", () => {
            assert.equal(backendUrl({}), `file://${DEFAULT_STATE_DIR}`);
            const s3 = "s3://osk-state?endpoint=http://127.0.0.1:17070&s3ForcePathStyle=true&region=us-east-1";
            assert.equal(backendUrl({ OSK_BACKEND: s3 }), s3);
            assert.equal(describeBackend(s3), "s3://osk-state");
            assert.equal(backendUrl({ OSK_BACKEND: "https://api.pulumi.example" }), "https://api.pulumi.example");
        });

        it("refuses what is not a backend URL, and an S3 URL without a region", () => {
            assert.throws(() => backendUrl({ OSK_BACKEND: "/var/lib/osk" }), /OSK_BACKEND: "\/var\/lib\/osk" is not a Pulumi backend URL; allowed: file:\/\/..., s3:\/\/..., azblob:\/\/..., gs:\/\/..., https:\/\/.../);
            assert.throws(() => backendUrl({ OSK_BACKEND: "s3://osk-state" }), /names no region/);
        });

        it("takes the stack file's secrets provider first, then OSK_SECRETS_PROVIDER, then the passphrase", () => {
            assert.equal(secretsProvider({}, {}), "passphrase");
            assert.equal(secretsProvider({}, { OSK_SECRETS_PROVIDER: "hashivault://osk-sites" }), "hashivault://osk-sites");
            assert.equal(secretsProvider({ secretsprovider: "awskms://alias/osk-lab-a?region=eu-west-1" }, { OSK_SECRETS_PROVIDER: "hashivault://x" }), "awskms://alias/osk-lab-a?region=eu-west-1");
            assert.throws(() => secretsProvider({ secretsprovider: "vault" }, {}), /secrets provider "vault" is not one Pulumi knows; allowed: passphrase, awskms:\/\/..., azurekeyvault:\/\/..., gcpkms:\/\/..., hashivault:\/\/.../);
        });
    });
});
