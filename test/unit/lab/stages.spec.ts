// The lab's pace: kwok's own stages from its module, with delays per pod from the table of what the real charts'
// pods take (tools/lab/stages.ts). The lab tier checks that kwok honours them; here, what is handed to it.
import { strict as assert } from "assert";
import { parseAllDocuments } from "yaml";
import type { PlanStep } from "../../../components/charts/plan";
import { predictConverge, standInSpec, type StandInSpec } from "../../../tools/bench/pace";
import { kwokVersion } from "../../../tools/lab/lab";
import { delayExpression, delayedStages, delaySeconds, kwokModuleDir, STAGE_DELAYS, timeScale } from "../../../tools/lab/stages";

describe("the lab's pace (tools/lab/stages.ts)", () => {
    it("gives a pod the seconds of the first rule that matches its chart and component", () => {
        assert.equal(delaySeconds(STAGE_DELAYS.complete, "nova", "db-sync"), 90);
        assert.equal(delaySeconds(STAGE_DELAYS.complete, "glance", "db-sync"), 30, "the generic migration row");
        assert.equal(delaySeconds(STAGE_DELAYS.complete, "glance", "ks-user"), 8);
        assert.equal(delaySeconds(STAGE_DELAYS.ready, "mariadb", "server"), 40);
        assert.equal(delaySeconds(STAGE_DELAYS.ready, "memcached", "server"), 3, "memcached is not an API server");
        assert.equal(delaySeconds(STAGE_DELAYS.ready, "neutron", "server"), 10);
        assert.equal(delaySeconds([{ application: "x", component: "y", seconds: 1 }], "a", "b"), 0);
    });

    it("writes the table as one jq expression over the pod's labels, scaled, first match first", () => {
        const e = delayExpression([{ application: "nova", component: "db-sync", seconds: 90 }, { application: "*", component: "api", seconds: 10 }, { application: "*", component: "*", seconds: 4 }], 0.1);
        assert.equal(
            e,
            '(.metadata.labels.application // "") as $a | (.metadata.labels.component // "") as $c | if $a == "nova" and $c == "db-sync" then "9000ms" elif $c == "api" then "1000ms" elif true then "400ms" else "0ms" end',
        );
        assert.match(delayExpression(STAGE_DELAYS.complete, 1, 1.25), /"112500ms"/, "the jitter bound is a quarter more");
    });

    it("reads OSK_LAB_TIME_SCALE as a non-negative number, refusing anything else by name", () => {
        assert.equal(timeScale(undefined, 0.1), 0.1);
        assert.equal(timeScale("", 0.1), 0.1);
        assert.equal(timeScale("1", 0.1), 1);
        assert.equal(timeScale("0", 0.1), 0);
        assert.throws(() => timeScale("-1", 0.1), /OSK_LAB_TIME_SCALE=-1: must be a number >= 0/);
        assert.throws(() => timeScale("fast", 0.1), /OSK_LAB_TIME_SCALE=fast/);
    });

    it("hands kwokctl all five of kwok's own stages, with a delay on pod-ready and pod-complete only", function () {
        this.timeout(120_000); // the module's first download on a machine
        const docs = parseAllDocuments(delayedStages(kwokModuleDir(kwokVersion()), 0.5)).map((d) => d.toJS());
        assert.deepEqual(docs.map((d) => [d.kind, d.metadata.name]), [["Stage", "node-initialize"], ["Stage", "node-heartbeat-with-lease"], ["Stage", "pod-ready"], ["Stage", "pod-complete"], ["Stage", "pod-delete"]]);
        const byName = Object.fromEntries(docs.map((d) => [d.metadata.name, d]));
        assert.equal(byName["pod-ready"].spec.delay.durationFrom.expressionFrom, delayExpression(STAGE_DELAYS.ready, 0.5));
        assert.equal(byName["pod-complete"].spec.delay.jitterDurationFrom.expressionFrom, delayExpression(STAGE_DELAYS.complete, 0.5, 1.25));
        assert.equal(byName["pod-delete"].spec.delay, undefined);
        // kwok's own heartbeat pace stays as its module has it.
        assert.equal(byName["node-heartbeat-with-lease"].spec.delay.durationMilliseconds, 600000);
        // The rest of each stage is kwok's: its selectors and status templates.
        assert.ok(byName["pod-complete"].spec.selector.matchExpressions.some((m: { key: string; values?: string[] }) => m.values?.includes("Job")));
    });
});

describe("the converge the plan predicts at the lab's pace (tools/bench/pace.ts)", () => {
    const rules = { ready: [{ application: "*", component: "*", seconds: 2 }], complete: [{ application: "*", component: "db-sync", seconds: 30 }, { application: "*", component: "*", seconds: 5 }] };
    const specs: Record<string, StandInSpec> = {
        db: { workloads: [{ name: "db-server", component: "server" }], jobs: [] },
        a: { workloads: [], jobs: ["db-sync", "ks-user"] },
        b: { workloads: [], jobs: ["ks-user"] },
    };
    const release = (id: string, after: string[]): PlanStep => ({ id, kind: "release", layer: "openstack", after, chart: id, namespace: "openstack" });
    const gate: PlanStep = { id: "db-ready", kind: "gate", layer: "platform", after: ["db"], namespace: "openstack", targets: [{ kind: "StatefulSet", namespace: "openstack", name: "db-server" }] };

    it("adds each release's Jobs in turn after what it waits for, a gate until its workload is Ready, and names the chain", () => {
        const p = predictConverge([release("db", []), gate, release("a", ["db-ready"]), release("b", ["db-ready"])], 1, rules, (c) => specs[c]);
        // db-server Ready at 2 s; a: (2+30) + (2+5) = 39 s after it; b: 7 s.
        assert.deepEqual(p, { seconds: 41, chain: ["db", "db-ready", "a"] });
        const serial = predictConverge([release("db", []), gate, release("a", ["db-ready"]), release("b", ["a"])], 0.5, rules, (c) => specs[c]);
        assert.equal(serial.seconds, 24);
    });

    it("reads the lab's stand-in charts: their workloads and hook Jobs, templated names resolved", () => {
        assert.deepEqual(standInSpec("keystone").jobs, ["db-init", "db-sync", "bootstrap"]);
        assert.deepEqual(standInSpec("rabbitmq").workloads, [{ name: "rabbitmq-rabbitmq", component: "server" }]);
    });
});
