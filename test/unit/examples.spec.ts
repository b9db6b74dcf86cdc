// The two example programs use OSK as another team would: one component and its own argument types, nothing of
// the site model. Run under mocks, they must build what the component promises with only the stack file's keys.
import { strict as assert } from "assert";
import { join } from "path";
import { throwawaySshKey } from "../../tools/engine/workspace";
import { plainStrings, runProgram, type RunResult } from "../helpers/mockRun";
import { ROOT } from "../helpers/stacks";

const example = (name: string) => join(ROOT, "examples", name);

describe("example: an HA control plane only", () => {
    let run: RunResult;
    before(async () => {
        run = await runProgram(example("ha-control-plane"), "edge", { sshPrivateKey: throwawaySshKey() });
    });

    it("builds one ControlPlane and nothing of the OpenStack layers", () => {
        assert.equal(run.ofType("osk:cluster:ControlPlane").length, 1);
        assert.deepEqual(run.ofType("osk:platform:").concat(run.ofType("osk:openstack:"), run.ofType("osk:tenant:")), []);
    });

    it("inits the first master, joins the other two one at a time, then the worker", () => {
        const names = run.resources.map((r) => r.name);
        const init = run.byName("edge-init-edge-m1");
        assert.ok(init);
        const joins = names.filter((n) => /^edge-join-/.test(n));
        assert.deepEqual(joins, ["edge-join-edge-m2", "edge-join-edge-m3", "edge-join-edge-w1"]);
        assert.ok(run.byName("edge-join-edge-m3").dependsOn.includes("edge-join-edge-m2"), "control-plane joins run one at a time");
    });

    it("applies the component's defaults the stack file left out (pod and service networks, HAProxy port)", () => {
        const files = run.byName("edge-init-edge-m1").inputs.files as Record<string, string>;
        const init = Object.values(files).join("\n");
        assert.match(init, /podSubnet: 10\.244\.0\.0\/16/);
        assert.match(init, /serviceSubnet: 10\.96\.0\.0\/12/);
        assert.match(init, /controlPlaneEndpoint: 10\.40\.0\.10:8443/);
    });

    it("exports the kubeconfig as a secret and the endpoint in the clear", () => {
        assert.ok(run.secretOutputs.has("kubeconfig"));
        assert.equal(run.outputs.apiEndpoint, "https://10.40.0.10:8443");
    });

    it("refuses bad arguments with every bad key and what is allowed", async () => {
        const broken = (c: Record<string, any>) => (c["ha-control-plane:controlPlane"] = { mode: "kubeadm", masters: [] });
        await assert.rejects(runProgram(example("ha-control-plane"), "edge", { sshPrivateKey: throwawaySshKey() }, { edit: broken }), (e: Error) => {
            assert.match(e.message, /args\.config\.kubernetesVersion: is required/);
            assert.match(e.message, /args\.config\.masters: needs at least one master/);
            return true;
        });
    });
});

describe("example: a tenant cluster on an existing OpenStack only", () => {
    let run: RunResult;
    before(async () => {
        run = await runProgram(example("tenant-cluster"), "team-a", { sshPrivateKey: throwawaySshKey(), cloudPassword: "example-cloud-password" });
    });

    it("builds the tenant cluster and no site layer", () => {
        assert.equal(run.ofType("osk:tenant:Cluster").length, 1);
        assert.deepEqual(run.ofType("osk:platform:").concat(run.ofType("osk:openstack:")), []);
    });

    it("creates the network, instances and load balancer through the tenant's own OpenStack provider", () => {
        const servers = run.ofType("openstack:compute/instance:Instance");
        assert.equal(servers.length, 5, "3 masters + 2 workers");
        assert.equal(run.ofType("openstack:loadbalancer/loadBalancer:LoadBalancer").length, 1);
        // One provider as the tenant's credential for everything it owns; the other two make the identity.
        const providers = run.ofType("pulumi:providers:openstack").map((p) => p.name).sort();
        assert.deepEqual(providers, ["team-a-keystone-admin", "team-a-keystone-service-user", "team-a-openstack"]);
        for (const s of servers) assert.match(s.provider ?? "", /team-a-openstack/);
    });

    it("never shows the cloud password in plain form", () => {
        for (const r of run.resources) assert.ok(!plainStrings(r.wire).join("\n").includes("example-cloud-password"), r.name);
        assert.ok(run.secretOutputs.has("kubeconfig"));
    });
});
