// The platform and OpenStack layers under mocks: every release pinned and hook-safe, wired exactly as the plan
// says, protected where it holds data, and no generated secret in any plain input.
import { strict as assert } from "assert";
import { planEdges } from "../../../components/charts";
import { sitePlan as deployPlan } from "../../../stacks/charts";
import { RELEASE_TIMEOUT_SECONDS } from "../../../components/charts";
import { model } from "../../helpers/models";
import { plainStrings, runStack, type RunResult } from "../../helpers/mockRun";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Plan step id of a resource name (a release, or the priority patch that ends its step), or undefined for
 * resources outside the plan (namespaces, PriorityClasses, the LimitRange). */
function stepOf(name: string): string | undefined {
    const m = /^(?:platform|openstack)-(.+?)(?:-release|-priority-[a-z0-9-]+)?$/.exec(name);
    return m && !/^(ns-|priority-|container-defaults$)/.test(m[1]) ? m[1] : undefined;
}

for (const stack of ["dev", "prod"]) {
    describe(`releases of the ${stack} stack under mocks`, () => {
        let run: RunResult;
        before(async function () {
            // A whole program under mocks: past the default on a loaded 2-core machine.
            this.timeout(120000);
            run = await runStack(stack);
        });

        it("deploys every chart of the plan, each pinned to the stack's exact version from its source", () => {
            const m = model(stack);
            const releases = run.ofType(RELEASE);
            const planned = deployPlan(m).filter((s) => s.kind === "release").map((s) => s.chart!).sort();
            assert.deepEqual(releases.map((r) => stepOf(r.name)).sort(), planned);
            for (const r of releases) {
                const chart = stepOf(r.name)!;
                assert.match(r.inputs.version, EXACT, r.name);
                assert.equal(r.inputs.version, m.charts.versions[chart]);
                const src = m.charts.sourceOverrides[chart] ?? m.charts.source;
                assert.equal(r.inputs.repositoryOpts?.repo, "repository" in src ? src.repository : undefined, r.name);
            }
        });

        it("skips Helm's wait (hooks would deadlock it) and gives hooks a generous timeout", () => {
            for (const r of run.ofType(RELEASE)) {
                assert.equal(r.inputs.skipAwait, true, r.name);
                assert.equal(r.inputs.timeout, RELEASE_TIMEOUT_SECONDS, r.name);
                assert.match(r.provider ?? "", /site-k8s/, r.name);
            }
        });

        it("depends on exactly the designed edges", () => {
            const edges: string[] = [];
            for (const r of [...run.ofType(RELEASE), ...run.ofType("osk:k8s:ReadinessGate")]) {
                const to = stepOf(r.name)!;
                for (const d of r.dependsOn) {
                    const from = stepOf(d);
                    if (from) edges.push(`${from} -> ${to}`);
                }
            }
            assert.deepEqual(edges.sort(), planEdges(deployPlan(model(stack))));
        });

        it("installs every release after OSK's PriorityClasses and the namespace's container defaults", () => {
            const prerequisites = ["platform-priority-osk-infrastructure", "platform-priority-osk-api", "platform-container-defaults"];
            for (const r of run.ofType(RELEASE)) for (const p of prerequisites) assert.ok(r.dependsOn.includes(p), `${r.name} does not wait for ${p}`);
        });

        it("gates Keystone on the databases, broker and cache being ready, and the services on Keystone", () => {
            const infra = run.byName("platform-infra-ready");
            assert.deepEqual(infra.inputs.targets.map((t: any) => `${t.kind}/${t.name}`).sort(), ["StatefulSet/mariadb-server", "StatefulSet/memcached-memcached", "StatefulSet/rabbitmq-rabbitmq"]);
            assert.deepEqual(run.byName("openstack-keystone-ready").inputs.targets, [{ kind: "Deployment", namespace: "openstack", name: "keystone-api" }]);
            assert.deepEqual(plainStrings(infra.wire.kubeconfig), []);
        });

        it("keeps every generated credential out of plain inputs", () => {
            const generated = run.ofType("osk:secrets:Generated").map((g) => `generated-${g.name}`);
            assert.ok(generated.length > 20);
            for (const r of run.resources) {
                const plain = new Set(plainStrings(r.wire));
                for (const g of generated) assert.ok(![...plain].some((p) => p.includes(g)), `${r.type} ${r.name} holds ${g} in plaintext`);
            }
            assert.ok(run.secretOutputs.has("adminCloudsYaml"));
        });
    });
}

describe("data protection", () => {
    it("protects the releases holding data in prod (Galera, RabbitMQ, the Ceph cluster), and nothing in dev", async () => {
        const prod = await runStack("prod");
        const protectedReleases = prod.ofType(RELEASE).filter((r) => r.protect).map((r) => r.name).sort();
        assert.deepEqual(protectedReleases, ["platform-mariadb", "platform-rabbitmq", "platform-rook-ceph-cluster"]);
        const dev = await runStack("dev");
        assert.deepEqual(dev.resources.filter((r) => r.protect).map((r) => r.name), []);
    });
});
