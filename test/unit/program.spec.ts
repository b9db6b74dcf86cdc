// The real program under mocks, for each committed stack.
import { strict as assert } from "assert";
import { plainStrings, runStack, type RunResult } from "../helpers/mockRun";

const EXPECTED_LABELS: Record<string, Record<string, string[]>> = {
    dev: { "aio-1": ["openstack-compute-node", "openstack-control-plane", "openvswitch", "topology.kubernetes.io/zone"] },
    prod: {
        "ctl-1": ["openstack-control-plane", "openvswitch", "topology.kubernetes.io/zone"],
        "ctl-2": ["openstack-control-plane", "openvswitch", "topology.kubernetes.io/zone"],
        "ctl-3": ["openstack-control-plane", "openvswitch", "topology.kubernetes.io/zone"],
        "cmp-1": ["openstack-compute-node", "openvswitch", "topology.kubernetes.io/zone"],
        "cmp-2": ["openstack-compute-node", "openvswitch", "topology.kubernetes.io/zone"],
        "cmp-3": ["openstack-compute-node", "openvswitch", "topology.kubernetes.io/zone"],
    },
};

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} stack under mocks`, () => {
        let run: RunResult;
        before(async () => {
            run = await runStack(stack);
        });

        it("labels exactly the role nodes, each with its role labels", () => {
            const patches = run.ofType("kubernetes:core/v1:NodePatch");
            const got = Object.fromEntries(patches.map((p) => [p.inputs.metadata.name, Object.keys(p.inputs.metadata.labels).sort()]));
            assert.deepEqual(got, EXPECTED_LABELS[stack]);
            for (const p of patches) {
                for (const [k, v] of Object.entries(p.inputs.metadata.labels)) {
                    if (k !== "topology.kubernetes.io/zone") assert.equal(v, "enabled", `${p.name} ${k}`);
                }
            }
        });

        it("gives every Kubernetes resource an explicit provider", () => {
            const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(k8s.length > 0);
            for (const r of k8s) {
                // The tenant cluster's objects go through its own provider, never the site's.
                const expected = r.name.startsWith("tenant-") && run.resources.some((p) => p.name === "tenant-k8s") ? "tenant-k8s" : "site-k8s";
                assert.match(r.provider ?? "", new RegExp(`pulumi:providers:kubernetes::${expected}::`), `${r.type} ${r.name} does not go through ${expected}`);
            }
        });

        it("labels nodes only after the control plane is up", () => {
            for (const p of run.ofType("kubernetes:core/v1:NodePatch")) assert.deepEqual(p.dependsOn, ["cluster"]);
        });

        it("keeps secrets secret: the kubeconfig output, and no secret in any plain input or output", () => {
            assert.ok(run.secretOutputs.has("kubeconfig"));
            const secretValues = Object.values(run.secrets);
            assert.ok(secretValues.length > 0);
            for (const r of run.resources) {
                const plain = plainStrings(r.wire).join("\n");
                for (const s of secretValues) assert.ok(!plain.includes(s.trim()), `${r.type} ${r.name} carries a secret in plaintext`);
            }
            for (const [k, v] of Object.entries(run.outputs)) {
                if (run.secretOutputs.has(k)) continue;
                const text = JSON.stringify(v);
                for (const s of secretValues) assert.ok(!text.includes(s.trim()), `output ${k} carries a secret in plaintext`);
            }
        });
    });
}

describe("a stack with bad configuration", () => {
    it("fails before registering any resource, naming every problem", async () => {
        await assert.rejects(
            runStack("dev", { edit: (v) => ((v.site.profile = "staging"), (v.nodeRoles.compute = ["ghost"])) }),
            (err: Error) => /osk:site\.profile/.test(err.message) && /osk:nodeRoles\.compute\[0\]/.test(err.message),
        );
    });
});
