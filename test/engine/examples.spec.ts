// The example programs through the real engine, offline: another team's program that takes one OSK component
// previews cleanly and plans what the component promises.
import { strict as assert } from "assert";
import { join } from "path";
import { createWorkspace, parsePreview, pulumiRun, ROOT, throwawaySshKey, type Workspace } from "../../tools/engine/workspace";

describe("pulumi preview of the HA control plane example (real engine, offline)", () => {
    let ws: Workspace;
    let out: Awaited<ReturnType<typeof pulumiRun>>;
    const key = throwawaySshKey();

    before(async () => {
        ws = createWorkspace("edge", { sshPrivateKey: key }, join(ROOT, "examples", "ha-control-plane"), undefined, "ha-control-plane");
        out = await pulumiRun(ws, ["preview", "--json", "--non-interactive", "--stack", "edge"]);
    });
    after(() => ws?.dispose());

    it("succeeds with no warning", () => {
        assert.equal(out.code, 0, `${out.stderr}\n${out.stdout.slice(0, 4000)}`);
        const noisy = parsePreview(out.stdout).diagnostics.filter((d) => !["info", "debug", "info#err"].includes(d.severity));
        assert.deepEqual(noisy, []);
    });

    it("plans one control plane: 4 hosts prepared, 3 load balancers, init, 3 joins, CNI, and nothing else of OSK", () => {
        const steps = parsePreview(out.stdout).steps;
        const types = steps.map((s) => s.urn.split("::")[2].split("$").pop());
        assert.equal(types.filter((t) => t === "osk:cluster:ControlPlane").length, 1);
        const names = steps.map((s) => s.urn.split("::").pop()!);
        assert.equal(names.filter((n) => n.startsWith("edge-prepare-")).length, 4);
        assert.equal(names.filter((n) => n.startsWith("edge-loadbalancer-")).length, 3);
        assert.deepEqual(names.filter((n) => n.startsWith("edge-join-")).sort(), ["edge-join-edge-m2", "edge-join-edge-m3", "edge-join-edge-w1"]);
        assert.ok(names.includes("edge-init-edge-m1") && names.includes("edge-cni-edge-m1"));
        assert.deepEqual(types.filter((t) => /^osk:(platform|openstack|tenant):/.test(t ?? "")), []);
    });

    it("prints no secret", () => {
        const needle = key.split("\n")[1];
        assert.ok(!out.stdout.includes(needle) && !out.stderr.includes(needle));
    });
});

describe("pulumi preview of the tenant cluster example (real engine and OpenStack provider, offline)", () => {
    let ws: Workspace;
    let out: Awaited<ReturnType<typeof pulumiRun>>;
    const secrets = { sshPrivateKey: throwawaySshKey(), cloudPassword: "example-cloud-password-not-used-offline" };

    before(async () => {
        ws = createWorkspace("team-a", secrets, join(ROOT, "examples", "tenant-cluster"), undefined, "tenant-cluster");
        out = await pulumiRun(ws, ["preview", "--json", "--non-interactive", "--stack", "team-a"]);
    });
    after(() => ws?.dispose());

    it("succeeds with no warning", () => {
        assert.equal(out.code, 0, `${out.stderr}\n${out.stdout.slice(0, 4000)}`);
        const noisy = parsePreview(out.stdout).diagnostics.filter((d) => !["info", "debug", "info#err"].includes(d.severity));
        assert.deepEqual(noisy, []);
    });

    it("plans the identity, the OpenStack infrastructure, the control plane on it, and no site layer", () => {
        const types = parsePreview(out.stdout).steps.map((s) => s.urn.split("::")[2].split("$").pop() ?? "");
        const count = (t: string) => types.filter((x) => x === t).length;
        assert.equal(count("osk:tenant:Cluster"), 1);
        assert.equal(count("openstack:compute/instance:Instance"), 5, "3 masters + 2 workers");
        assert.equal(count("openstack:loadbalancer/loadBalancer:LoadBalancer"), 1);
        assert.equal(count("osk:cluster:ControlPlane"), 1);
        assert.deepEqual(types.filter((t) => /^osk:(platform|openstack):/.test(t)), []);
    });

    it("prints no secret", () => {
        assert.ok(!out.stdout.includes(secrets.cloudPassword) && !out.stderr.includes(secrets.cloudPassword));
    });
});
