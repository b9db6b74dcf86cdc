import { strict as assert } from "assert";
import { planEdges } from "../../../components/charts";
import { sitePlan as deployPlan } from "../../../stacks/charts";
import { model } from "../../helpers/models";

describe("deployment graph", () => {
    it("dev: local storage, then the databases; keystone after the infra gate; the rest after keystone, in parallel", () => {
        assert.deepEqual(planEdges(deployPlan(model("dev"))), [
            "infra-ready -> keystone",
            "keystone -> keystone-ready",
            "keystone-ready -> glance",
            "keystone-ready -> horizon",
            "keystone-ready -> neutron",
            "keystone-ready -> nova",
            "keystone-ready -> placement",
            "libvirt -> nova",
            "local-storage -> mariadb",
            "local-storage -> rabbitmq",
            "mariadb -> infra-ready",
            "memcached -> infra-ready",
            "openvswitch -> libvirt",
            "openvswitch -> neutron",
            "placement -> nova",
            "rabbitmq -> infra-ready",
        ]);
    });

    it("prod: Rook operator, cluster and adapter before the databases; Octavia after Neutron, Nova and Barbican", () => {
        const edges = planEdges(deployPlan(model("prod")));
        for (const e of [
            "rook-ceph -> rook-ceph-cluster",
            "rook-ceph-cluster -> ceph-adapter-rook",
            "ceph-adapter-rook -> mariadb",
            "ceph-adapter-rook -> rabbitmq",
            "barbican -> octavia",
            "neutron -> octavia",
            "nova -> octavia",
            "keystone-ready -> cinder",
            "keystone-ready -> heat",
        ]) {
            assert.ok(edges.includes(e), e);
        }
        // 2 Rook + 2 adapter + 1 libvirt + 3 infra gate + keystone and its gate 2 + 9 services after keystone
        // + neutron after OVS + nova after placement and libvirt 2 + octavia after 3 services.
        assert.equal(edges.length, 25);
    });

    it("lists every step after the steps it waits for", () => {
        for (const stack of ["dev", "prod"]) {
            const seen = new Set<string>();
            for (const step of deployPlan(model(stack))) {
                for (const a of step.after) assert.ok(seen.has(a), `${stack}: ${step.id} before ${a}`);
                seen.add(step.id);
            }
        }
    });

    it("leaves out what is not enabled", () => {
        const ids = deployPlan(model("dev")).map((s) => s.id);
        for (const absent of ["cinder", "heat", "octavia", "rook-ceph"]) assert.ok(!ids.includes(absent), absent);
    });
});

describe("one-at-a-time deployment (for comparison)", () => {
    it("chains every release after the previous one in the upstream guide's order", () => {
        const steps = deployPlan(model("dev", (v) => (v.platform = { serialReleases: true })));
        const releases = steps.filter((s) => s.kind === "release").map((s) => s.id);
        assert.deepEqual(releases, ["local-storage", "rabbitmq", "mariadb", "memcached", "keystone", "glance", "openvswitch", "libvirt", "placement", "nova", "neutron", "horizon"]);
        steps.forEach((s, i) => {
            if (i > 0) assert.ok(s.after.includes(steps[i - 1].id), `${s.id} does not wait for ${steps[i - 1].id}`);
        });
        assert.equal(steps.length, deployPlan(model("dev")).length, "the same steps, only ordered");
    });
});
