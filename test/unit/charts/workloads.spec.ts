// Requests, limits, priority classes and autoscaling: what the charts get per profile, what the stack
// configuration refuses, and what the program creates for them (under mocks).
import { strict as assert } from "assert";
import { bytes, chartResources, millicores, PRIORITY_CLASSES, PRIORITY_FLOOR, priorityPatches, TIER_SIZES, UNSET_REPLICAS, UNSET_REPLICAS_POSTRENDERER, type ChartWorkloads } from "../../../components/charts";
import { SERVICE_CHARTS } from "../../../components/openstack/catalog";
import { PLATFORM_WORKLOADS } from "../../../components/platform/values";
import { siteChartValues } from "../../../stacks/charts";
import { validateConfig } from "../../../stacks/config/validate";
import { CHART_WORKLOADS } from "../../../stacks/workloads";
import { model } from "../../helpers/models";
import { runStack, type RunResult } from "../../helpers/mockRun";
import { rawConfig } from "../../helpers/stacks";

const values = (stack: string, chart: string, edit?: (v: Record<string, any>) => void): any => siteChartValues(model(stack, edit), chart, (n) => `<secret:${n}>`);
const problems = (stack: string, edit: (v: Record<string, any>) => void) => {
    const r = validateConfig(rawConfig(stack, edit));
    return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};

describe("workload resources and priority", () => {
    it("parses CPU and memory quantities the way Kubernetes reads them", () => {
        assert.equal(millicores("500m"), 500);
        assert.equal(millicores("2"), 2000);
        assert.equal(millicores("1.5"), 1500);
        assert.equal(bytes("512Mi"), 512 * 2 ** 20);
        assert.equal(bytes("4Gi"), 4 * 2 ** 30);
    });

    it("renders every component's requests and limits under pod.resources, enabled, with the tier's default", () => {
        const v = values("prod", "keystone");
        assert.equal(v.pod.resources.enabled, true);
        assert.deepEqual(v.pod.resources.api, TIER_SIZES.prod.api);
        assert.deepEqual(v.pod.resources.jobs.db_sync, TIER_SIZES.prod.job);
        assert.deepEqual(values("dev", "keystone").pod.resources.api, TIER_SIZES.dev.api);
        // The agents of the OVS DaemonSet, nested as the chart nests them.
        assert.deepEqual(Object.keys(values("prod", "openvswitch").pod.resources.ovs).sort(), ["db", "vswitchd"]);
        assert.deepEqual(values("prod", "neutron").pod.resources.agent.l3, TIER_SIZES.prod.agent);
    });

    it("prod: Galera and RabbitMQ in the Guaranteed class (requests equal limits), sized for a site", () => {
        for (const [chart, cpu, memory] of [["mariadb", "4", "8Gi"], ["rabbitmq", "2", "4Gi"]]) {
            const server = values("prod", chart).pod.resources.server;
            assert.deepEqual(server, { requests: { cpu, memory }, limits: { cpu, memory } }, chart);
        }
        // dev keeps them small and Burstable.
        const dev = values("dev", "mariadb").pod.resources.server;
        assert.ok(millicores(dev.requests.cpu) < millicores(dev.limits.cpu));
    });

    it("takes an override per chart component over the profile's default, side by side", () => {
        const v = values("dev", "keystone", (c) => {
            c.workloads = { resources: { "keystone.api": { limits: { memory: "2Gi" } }, "keystone.jobs.db_sync": { requests: { cpu: "200m" } } } };
        });
        assert.deepEqual(v.pod.resources.api, { requests: TIER_SIZES.dev.api.requests, limits: { cpu: TIER_SIZES.dev.api.limits.cpu, memory: "2Gi" } });
        assert.equal(v.pod.resources.jobs.db_sync.requests.cpu, "200m");
    });

    it("gives every long-running workload OSK's class for its tier through the chart's own key, and Jobs none", () => {
        const keystone = values("prod", "keystone");
        assert.deepEqual(keystone.pod.priorityClassName, { keystone_api: "osk-api" });
        const nova = values("prod", "nova").pod.priorityClassName;
        assert.equal(nova.nova_compute, "osk-infrastructure");
        assert.equal(nova.nova_api_osapi, "osk-api");
        assert.equal(nova.nova_conductor, "osk-api");
        assert.equal(values("prod", "openvswitch").pod.priorityClassName.openvswitch, "osk-infrastructure");
        for (const svc of Object.keys(SERVICE_CHARTS)) {
            const keys = Object.keys(values("prod", svc).pod.priorityClassName ?? {});
            assert.ok(keys.length > 0, svc);
            assert.ok(!keys.some((k) => /db_|ks_|bootstrap|_init$|tests/.test(k)), `${svc}: a Job with a class: ${keys.join(", ")}`);
        }
    });

    it("patches the class into the workloads of the charts that read no pod.priorityClassName", () => {
        const patched = Object.entries(PLATFORM_WORKLOADS).flatMap(([chart, t]) => priorityPatches(t).map((p) => `${chart}: ${p.kind}/${p.name} ${p.priorityClassName}`));
        assert.deepEqual(patched.sort(), [
            "libvirt: DaemonSet/libvirt-libvirt-default osk-infrastructure",
            "mariadb: Deployment/mariadb-controller osk-api",
            "mariadb: StatefulSet/mariadb-server osk-infrastructure",
            "memcached: StatefulSet/memcached-memcached osk-infrastructure",
            "rabbitmq: StatefulSet/rabbitmq-rabbitmq osk-infrastructure",
        ]);
        for (const chart of ["mariadb", "rabbitmq", "memcached", "libvirt"]) assert.equal(values("prod", chart).pod.priorityClassName, undefined, chart);
        // Every service chart takes its class in values: nothing to patch there.
        for (const svc of Object.keys(SERVICE_CHARTS)) assert.deepEqual(priorityPatches(SERVICE_CHARTS[svc as keyof typeof SERVICE_CHARTS].workloads), [], svc);
    });

    it("keeps OSK's classes above the floor tenant and add-on classes must stay under, and below the system classes", () => {
        for (const [name, c] of Object.entries(PRIORITY_CLASSES)) assert.ok(c.value >= PRIORITY_FLOOR && c.value <= 1_000_000_000, name);
        assert.ok(PRIORITY_CLASSES["osk-infrastructure"].value > PRIORITY_CLASSES["osk-api"].value, "the data layer and agents outrank the APIs");
    });
});

describe("workload settings in the stack configuration", () => {
    it("accepts the committed stacks' settings", () => {
        for (const stack of ["dev", "prod", "lab"]) assert.deepEqual(problems(stack, () => {}), [], stack);
    });

    it("rejects a request above its limit, naming the key, what is wrong and what is allowed", () => {
        const p = problems("dev", (c) => {
            c.workloads = { resources: { "keystone.api": { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "1" } } } };
        });
        assert.deepEqual(p, [
            'osk:workloads.resources["keystone.api"].requests.cpu: 2 is above its limit 1; allowed: a request at most the limit',
            `osk:workloads.resources["keystone.api"].requests.memory: 4Gi is above its limit ${TIER_SIZES.dev.api.limits.memory}; allowed: a request at most the limit`,
        ]);
    });

    it("rejects a prod stateful service that is not Guaranteed; dev may run it Burstable", () => {
        const burstable = (c: Record<string, any>) => {
            c.workloads = { resources: { "rabbitmq.server": { requests: { memory: "2Gi" } } } };
        };
        assert.deepEqual(problems("prod", burstable), [
            'osk:workloads.resources["rabbitmq.server"].requests.memory: is 2Gi with a limit of 4Gi: a prod stateful service must be in the Guaranteed QoS class; allowed: requests.memory equal to limits.memory',
        ]);
        assert.deepEqual(problems("dev", burstable).filter((m) => /Guaranteed/.test(m)), []);
    });

    it("rejects a malformed quantity", () => {
        assert.deepEqual(problems("prod", (c) => {
            c.workloads = { resources: { "nova.api": { limits: { memory: "2GB" } } } };
        }), ['osk:workloads.resources["nova.api"].limits.memory: must be a memory quantity such as 512Mi or 4Gi']);
    });

    it("rejects an unknown component and an autoscaler that cannot reach the HA count", () => {
        const p = problems("prod", (c) => {
            c.workloads = { resources: { "keystone.apii": { limits: { cpu: "1" } } }, autoscaling: { maxReplicas: 2 } };
        });
        assert.equal(p.length, 2, p.join("\n"));
        assert.ok(p[0].startsWith('osk:workloads.resources["keystone.apii"]: is not a chart component OSK sets resources for; allowed: ') && p[0].includes("keystone.api,"), p[0]);
        assert.equal(p[1], "osk:workloads.autoscaling.maxReplicas: is 2, below the 3 replicas every API keeps for HA (the autoscalers' minimum); allowed: 3 or more");
    });

    it("knows every component of every chart it deploys, jobs included", () => {
        const keys = (t: ChartWorkloads) => Object.keys(chartResources("x", t, "prod", model("prod").workloads));
        assert.ok(keys(CHART_WORKLOADS.nova).includes("jobs.db_sync"));
        assert.ok(keys(CHART_WORKLOADS.mariadb).includes("server"));
    });
});

describe("autoscaling the OpenStack APIs (prod stack under mocks)", () => {
    let run: RunResult;
    before(async () => {
        run = await runStack("prod");
    });

    it("has an autoscaling/v2 HPA per API Deployment: min the HA count, max and target from config, after its release", () => {
        const hpas = run.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        const expected = model("prod").openstack.services.flatMap((svc) => SERVICE_CHARTS[svc].workloads.workloads.filter((w) => w.autoscale).map((w) => w.object!.name));
        assert.deepEqual(hpas.map((h) => h.inputs.spec.scaleTargetRef.name).sort(), expected.sort());
        for (const h of hpas) {
            assert.equal(h.inputs.spec.minReplicas, 3, h.name);
            assert.equal(h.inputs.spec.maxReplicas, model("prod").workloads.autoscaling.maxReplicas);
            assert.equal(h.inputs.spec.metrics[0].resource.target.averageUtilization, model("prod").workloads.autoscaling.targetCPUUtilization);
            assert.ok(h.dependsOn.some((d) => d.endsWith("-release")), h.name);
        }
    });

    it("leaves the replica count of every HPA-managed API to its HPA: an empty count, and the release's post-renderer", () => {
        const releases = run.ofType("kubernetes:helm.sh/v3:Release");
        const keystone = releases.find((r) => r.name === "openstack-keystone-release")!;
        assert.equal(keystone.inputs.values.pod.replicas.api, UNSET_REPLICAS);
        assert.equal(keystone.inputs.postrender, UNSET_REPLICAS_POSTRENDERER);
        // Releases without an autoscaled Deployment render their counts and run no post-renderer.
        assert.equal(run.byName("platform-mariadb").inputs.postrender, undefined);
        assert.notEqual(releases.find((r) => r.name === "openstack-nova-release")!.inputs.values.pod.replicas.conductor, UNSET_REPLICAS, "nova-conductor keeps its count");
    });

    it("creates OSK's PriorityClasses (never the global default) and the patches for charts without the key", () => {
        const classes = run.ofType("kubernetes:scheduling.k8s.io/v1:PriorityClass");
        assert.deepEqual(classes.map((c) => c.inputs.metadata.name).sort(), Object.keys(PRIORITY_CLASSES).sort());
        for (const c of classes) assert.equal(c.inputs.globalDefault, false);
        const patch = run.byName("platform-mariadb-priority-mariadb-server");
        assert.equal(patch.type, "kubernetes:apps/v1:StatefulSetPatch");
        assert.equal(patch.inputs.spec.template.spec.priorityClassName, "osk-infrastructure");
        assert.ok(patch.dependsOn.includes("platform-mariadb"), "patched after its release");
    });
});
