// ./osk graph: the prod stack's resource graph from the real program under mocks, and the committed picture's
// source (docs/prod-graph.dot) is what the program draws today.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { docsPaths, DOCS_STACK, shortType, toDot, urnKey } from "../../tools/graph";
import { runStack, type RunResult } from "../helpers/mockRun";

describe("the resource graph of a stack", function () {
    // The first run of the prod program under mocks in a process takes a while on a busy machine.
    this.timeout(120000);
    let run: RunResult;
    let dot: string;
    before(async () => {
        run = await runStack(DOCS_STACK);
        dot = toDot(run, `osk ${DOCS_STACK} stack`);
    });

    it("is the committed picture's source: regenerate with ./osk graph --docs when this fails", () => {
        assert.equal(readFileSync(docsPaths.dot, "utf8"), dot);
    });

    it("draws each component as a cluster, nested as the components nest", () => {
        for (const c of run.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack")) {
            assert.ok(dot.includes(`subgraph "cluster_${c.type}::${c.name}"`), `no cluster for ${c.type} ${c.name}`);
        }
        // The tenant's control plane is a ControlPlane inside the tenant cluster's cluster.
        const tenant = dot.indexOf('subgraph "cluster_osk:tenant:Cluster::tenant"');
        const inner = dot.indexOf('subgraph "cluster_osk:cluster:ControlPlane::tenant-cluster"');
        assert.ok(tenant >= 0 && inner > tenant);
    });

    it("draws the dependencies the engine is told, from what comes first to what waits", () => {
        // The node labels wait for the whole control plane; the init of the first master waits for the nodes'
        // upgrade steps, which wait for their preparation.
        assert.match(dot, /"g:osk:cluster:ControlPlane::cluster\|[^"]*" -> "g:osk:cluster:NodeRoles::roles\|kubernetes:core\/v1:NodePatch\|cmp"/);
        assert.match(dot, /"g:osk:cluster:ControlPlane::cluster\|osk:remote:Command\|prepare" -> "g:osk:cluster:ControlPlane::cluster\|osk:remote:Command\|upgrade"/);
        assert.match(dot, /"g:osk:cluster:ControlPlane::cluster\|osk:remote:Command\|upgrade" -> "r:osk:remote:Command::cluster-init-master-1"/);
    });

    it("marks resources holding a secret and protected resources", () => {
        assert.match(dot, /"r:kubernetes:helm\.sh\/v3:Release::platform-mariadb" \[label="platform-mariadb\\nRelease\\n\[protected\]\\n\[secret\]", fillcolor="#fff2b3", color="#b00020"/);
        assert.ok(run.resources.some((r) => r.protect));
        // Drawn alone, or in a group of its component and role (`platform-rook-*`): either way marked.
        for (const r of run.resources.filter((x) => x.protect)) {
            const group = `${r.parent}-${r.name.slice(`${r.parent}-`.length).split("-")[0]}-*`;
            assert.ok(dot.split("\n").some((l) => (l.includes(`::${r.name}" [label`) || l.includes(`\\n${group}`)) && l.includes("[protected]")), `${r.name} not marked protected`);
        }
    });

    it("draws repetitive resources of one component and role as one node, and says how many", () => {
        const generated = run.resources.filter((r) => r.type === "osk:secrets:Generated" && r.name.startsWith("credentials-")).length;
        assert.ok(generated > 20);
        assert.ok(dot.includes(`label="${generated} x Generated\\ncredentials-*\\n[secret]"`), "the credentials are one node");
        const joins = run.resources.filter((r) => r.name.startsWith("cluster-join-")).length;
        assert.ok(dot.includes(`label="${joins} x Command\\ncluster-join-*`));
    });

    it("reads types and URNs as the engine writes them", () => {
        assert.equal(urnKey("urn:pulumi:prod::osk::osk:cluster:ControlPlane$osk:remote:Command::cluster-init-master-1"), "osk:remote:Command::cluster-init-master-1");
        assert.equal(shortType("kubernetes:helm.sh/v3:Release"), "Release");
    });
});
