// The day-2 policies: quiet on what the committed prod stack produces (under mocks), and each fires on the
// violation it exists for.
import { strict as assert } from "assert";
import { PRIORITY_CLASSES, PRIORITY_FLOOR as COMPONENT_FLOOR } from "../../../components/charts/workloads";
import { SERVICE_CHARTS } from "../../../components/openstack/catalog";
import { PLATFORM_WORKLOADS } from "../../../components/platform/values";
import type { StackResource } from "../../../policy/policies";
import { API_DEPLOYMENTS, CLASS_BY_PATCH, CLASS_IN_VALUES, checkAutoscaled, checkGuaranteed, checkPriority, HPA, PRIORITY_CLASS, PRIORITY_FLOOR } from "../../../policy/workloads";
import { runStack } from "../../helpers/mockRun";

const violations = (check: (report: (m: string) => void) => void) => {
    const out: string[] = [];
    check((m) => out.push(m));
    return out;
};

describe("policy: workload priority, autoscaling and QoS (prod stack under mocks)", () => {
    let stack: StackResource[];
    const copy = () => JSON.parse(JSON.stringify(stack)) as StackResource[];
    const find = (s: StackResource[], name: string) => s.find((r) => r.name === name)!;
    before(async () => {
        const run = await runStack("prod");
        stack = run.resources.map((r) => ({ type: r.type, name: r.name, props: JSON.parse(JSON.stringify(r.inputs ?? {})) }));
    });

    it("knows the charts as the components do: the same floor, value keys, patched workloads and API Deployments", () => {
        assert.equal(PRIORITY_FLOOR, COMPONENT_FLOOR);
        for (const [svc, chart] of Object.entries(SERVICE_CHARTS)) {
            assert.ok(CLASS_IN_VALUES.includes(svc), svc);
            const apis = Object.fromEntries(chart.workloads.workloads.filter((w) => w.autoscale).map((w) => [w.object!.name, w.autoscale!]));
            assert.deepEqual(API_DEPLOYMENTS[svc], apis, svc);
        }
        for (const [chart, table] of Object.entries(PLATFORM_WORKLOADS)) {
            const patched = table.workloads.filter((w) => !w.priority && w.object).map((w) => w.object!.name);
            assert.deepEqual([...(CLASS_BY_PATCH[chart] ?? [])], patched, chart);
            if (table.workloads.some((w) => w.priority)) assert.ok(CLASS_IN_VALUES.includes(chart), chart);
        }
    });

    it("is quiet on the committed prod stack", () => {
        assert.deepEqual(violations((r) => checkPriority(stack, r)), []);
        assert.deepEqual(violations((r) => checkAutoscaled(stack, r)), []);
        for (const r of stack.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) assert.deepEqual(violations((rep) => checkGuaranteed(r.props, rep)), [], r.name);
    });

    it("fires on a workload without a class, a missing patch, a class below the floor, and a class that could outrank OpenStack", () => {
        const s = copy();
        delete (find(s, "openstack-keystone-release").props.values as any).pod.priorityClassName;
        const noPatch = s.filter((r) => r.name !== "platform-rabbitmq-priority-rabbitmq-rabbitmq");
        (find(noPatch, "platform-priority-osk-api").props as any).value = 1000;
        noPatch.push({ type: PRIORITY_CLASS, name: "tenant-high", props: { metadata: { name: "tenant-high" }, value: 950_000_000, globalDefault: true } });
        const v = violations((r) => checkPriority(noPatch, r)).join("\n");
        assert.match(v, /keystone: the release gives its workloads no priority class/);
        assert.match(v, /rabbitmq rabbitmq-rabbitmq has no priority class/);
        assert.match(v, /glance glance_api: priority class "osk-api" has value 1000, below 100000000/);
        assert.match(v, /"tenant-high" is the global default/);
        assert.match(v, /"tenant-high" \(value 950000000\) is not an OpenStack workload's yet reaches 100000000/);
        assert.ok(Object.keys(PRIORITY_CLASSES).every((c) => !new RegExp(`"${c}" \\(value`).test(v)), "OSK's own classes are not reported as outranking");
    });

    it("fires on an API without an HPA, an HPA below 2, and a release that still renders the count", () => {
        const s = copy().filter((r) => !(r.type === HPA && (r.props as any).spec.scaleTargetRef.name === "glance-api"));
        (s.find((r) => r.type === HPA && (r.props as any).spec.scaleTargetRef.name === "keystone-api")!.props as any).spec.minReplicas = 1;
        (find(s, "openstack-nova-release").props.values as any).pod.replicas.osapi = 3;
        assert.deepEqual(violations((r) => checkAutoscaled(s, r)).sort(), [
            "glance: API Deployment glance-api has no HorizontalPodAutoscaler.",
            "keystone: the HPA of keystone-api allows 1 replica(s); prod keeps at least 2.",
            "nova: values.pod.replicas.osapi is 3; under an HPA the release must render no count (null), or every upgrade resets it.",
        ]);
    });

    it("fires on a Galera or RabbitMQ server that is not Guaranteed", () => {
        const s = copy();
        const mariadb = find(s, "platform-mariadb").props as any;
        mariadb.values.pod.resources.server.requests.cpu = "1";
        assert.deepEqual(violations((r) => checkGuaranteed(mariadb, r)), ["mariadb: server requests.cpu 1 and limits.cpu 4 differ; prod's data layer must be Guaranteed (equal, CPU and memory)."]);
        const rabbit = find(s, "platform-rabbitmq").props as any;
        rabbit.values.pod.resources.enabled = false;
        assert.match(violations((r) => checkGuaranteed(rabbit, r)).join(), /rabbitmq: values.pod.resources.enabled is not true/);
    });
});
