// The policy pack inside real previews: advisory findings on dev, silence on prod, and a mandatory violation
// that stops a prod preview.
import { strict as assert } from "assert";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { createWorkspace, parsePolicyViolations, policyArgs, previewSecrets, pulumiRun } from "../../tools/engine/workspace";

async function previewWithPack(stack: string, edit?: (text: string) => string) {
    const ws = createWorkspace(stack, previewSecrets(stack));
    try {
        if (edit) {
            const file = join(ws.dir, `Pulumi.${stack}.yaml`);
            writeFileSync(file, edit(readFileSync(file, "utf8")));
        }
        const out = await pulumiRun(ws, ["preview", "--non-interactive", "--stack", stack, ...policyArgs(ws)]);
        return { out, violations: parsePolicyViolations(out.stdout) };
    } finally {
        ws.dispose();
    }
}

describe("policy pack in real previews", () => {
    it("dev: advisory findings for single replicas and unprotected data; the preview still passes", async () => {
        const { out, violations } = await previewWithPack("dev");
        assert.equal(out.code, 0, out.stderr);
        assert.ok(violations.every((v) => v.level === "advisory"));
        const fired = new Set(violations.map((v) => v.policy));
        for (const p of ["control-plane-ha", "galera-quorum", "rabbitmq-quorum", "openstack-api-ha", "stateful-protected"]) assert.ok(fired.has(p), `${p} did not fire`);
        for (const p of ["releases-pinned", "hook-charts-skip-wait", "no-chart-default-credentials", "privileged-only-where-needed"]) assert.ok(!fired.has(p), `${p} fired: ${JSON.stringify(violations.filter((v) => v.policy === p))}`);
    });

    it("prod: no finding at all, with every policy mandatory", async () => {
        const { out, violations } = await previewWithPack("prod");
        assert.equal(out.code, 0, out.stderr + out.stdout.slice(-3000));
        assert.deepEqual(violations, []);
        assert.match(out.stdout, /osk@v0\.1\.0/);
    });

    it("prod: a chart from a repository outside the allowed list stops the preview", async () => {
        const { out, violations } = await previewWithPack("prod", (t) => t.replace("repository: https://tarballs.opendev.org/openstack/openstack-helm", "repository: https://charts.example.com/openstack"));
        assert.notEqual(out.code, 0);
        const pinned = violations.filter((v) => v.policy === "releases-pinned");
        assert.ok(pinned.length > 0 && pinned.every((v) => v.level === "mandatory"));
        assert.match(pinned[0].message, /comes from https:\/\/charts\.example\.com\/openstack; allowed repositories/);
    });

    it("prod: a tenant security group rule opening SSH to the Internet stops the preview (the rule previewed by the OpenStack provider)", async () => {
        // allowWorldOpen lets validation through on purpose; the pack is the second line.
        const { out, violations } = await previewWithPack("prod", (t) => t.replace("sshAllowedCidrs: [10.30.0.0/22]", "sshAllowedCidrs: [0.0.0.0/0]\n    allowWorldOpen: true"));
        assert.notEqual(out.code, 0);
        const open = violations.filter((v) => v.policy === "no-world-open-admin-ports");
        assert.equal(open.length, 1, JSON.stringify(violations));
        assert.equal(open[0].level, "mandatory");
        assert.match(open[0].resource, /^openstack:networking\/secGroupRule:SecGroupRule: .*-rule-ssh-22-0-0-0-0-0$/);
        assert.match(open[0].message, /SSH \(port 22\) is open to 0\.0\.0\.0\/0/);
        assert.deepEqual(violations.filter((v) => v.policy !== "no-world-open-admin-ports"), []);
    });

    it("prod: a tenant add-on image from upstream instead of the site's mirror stops the preview", async () => {
        const { out, violations } = await previewWithPack("prod", (t) => {
            const edited = t.replace(/^(\s+)keyPair: platform-ops$/m, "$1keyPair: platform-ops\n$1addons: { registry: registry.k8s.io }");
            assert.notEqual(edited, t, "the prod stack's tenant section moved: update this edit");
            return edited;
        });
        assert.notEqual(out.code, 0);
        const stray = violations.filter((v) => v.policy === "images-from-mirror");
        assert.ok(stray.length > 0 && stray.every((v) => v.level === "mandatory"), JSON.stringify(violations));
        assert.ok(stray.some((v) => /runs registry\.k8s\.io\/provider-os\/cinder-csi-plugin:v1\.33\.0, not from the site's mirror registry\.fra1\.cloud\.example\.net\/osk/.test(v.message)), JSON.stringify(stray));
        // Only the add-ons moved: the charts and the control plane still pull from the mirror.
        assert.ok(stray.every((v) => !/values\.images/.test(v.message)));
    });
});
