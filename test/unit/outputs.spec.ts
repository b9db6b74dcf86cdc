// The stack outputs against their contract, docs/outputs.md, for every committed stack: the same names, and each
// output secret exactly when the document says so (the document is parsed, so neither side can drift alone).
import { strict as assert } from "assert";
import { readdirSync } from "fs";
import { runStack, type RunResult } from "../helpers/mockRun";
import { documentedOutputs, parseOutputsDoc } from "../helpers/outputsDoc";
import { ROOT, stackFile } from "../helpers/stacks";
import { serverOf } from "../../stacks/compose";

const STACKS = readdirSync(ROOT)
    .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

describe("docs/outputs.md, read as the contract", () => {
    it("names every output once, each with an explicit secrecy", () => {
        const rows = documentedOutputs();
        assert.ok(rows.length >= 20, `only ${rows.length} rows parsed`);
        assert.equal(new Set(rows.map((r) => r.name)).size, rows.length, "an output is documented twice");
        assert.ok(rows.find((r) => r.name === "kubeconfig")?.secret, "the kubeconfig row is read as secret");
        assert.equal(rows.find((r) => r.name === "apiEndpoint")?.secret, false);
    });

    it("refuses a row whose secret column is neither no nor **yes**", () => {
        assert.throws(() => parseOutputsDoc("| `kubeconfig` | `string` | yes | the kubeconfig |"), /output kubeconfig has secret column "yes"; allowed: no, \*\*yes\*\*/);
    });

    it("keeps an escaped pipe inside a type cell", () => {
        assert.deepEqual(parseOutputsDoc('| `profile` | `"dev" \\| "prod"` | no | Profile. |'), [{ name: "profile", type: '`"dev" \\| "prod"`', secret: false }]);
    });
});

describe("the API endpoint read from a kubeconfig", () => {
    it("is the current cluster's server URL", () => {
        assert.equal(serverOf("clusters: [{name: c, cluster: {server: 'https://10.1.2.3:6443'}}]"), "https://10.1.2.3:6443");
        assert.equal(serverOf("clusters:\n- cluster:\n    server: https://api.example.test:443\n  name: c\n"), "https://api.example.test:443");
    });

    it("never carries credentials embedded in the URL, so it can be a plain output", () => {
        assert.equal(serverOf("clusters: [{cluster: {server: 'https://admin:s3cret@10.1.2.3:6443/?token=abc'}}]"), "https://10.1.2.3:6443");
    });
});

for (const stack of STACKS) {
    describe(`the ${stack} stack's outputs`, function () {
        // The first run of a stack's program under mocks in a process takes a while on a busy machine.
        this.timeout(120000);
        let run: RunResult;
        before(async () => {
            run = await runStack(stack);
        });

        it("are exactly the documented outputs", () => {
            assert.deepEqual(Object.keys(run.outputs).sort(), documentedOutputs().map((r) => r.name).sort());
            assert.equal(run.outputs.profile, (stackFile(stack)["osk:site"] as { profile: string }).profile);
        });

        it("are secret exactly where the document says so", () => {
            for (const row of documentedOutputs()) {
                assert.equal(run.secretOutputs.has(row.name), row.secret, `${row.name} is ${run.secretOutputs.has(row.name) ? "secret" : "plain"}, docs/outputs.md says ${row.secret ? "secret" : "plain"}`);
            }
        });

        it("carry no secret value in a plain output", () => {
            const secretValues = Object.values(run.secrets).map((s) => s.trim());
            assert.ok(secretValues.length > 0);
            for (const [k, v] of Object.entries(run.outputs)) {
                if (run.secretOutputs.has(k)) continue;
                for (const s of secretValues) assert.ok(!JSON.stringify(v).includes(s), `output ${k} carries a secret in plaintext`);
            }
        });

        it("give the API endpoint as a URL", () => {
            assert.match(String(run.outputs.apiEndpoint), /^https:\/\/[^\s/@]+:\d+$/);
        });
    });
}
