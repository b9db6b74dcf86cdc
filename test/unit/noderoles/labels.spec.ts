import { strict as assert } from "assert";
import { nodeLabels } from "../../../components/noderoles/labels";

describe("node labels", () => {
    it("gives each node its role labels with the value the charts select on", () => {
        const labels = nodeLabels({ controlPlane: ["c1"], compute: ["k1"], openvswitch: ["c1", "k1"], custom: {} });
        assert.deepEqual(labels, {
            c1: { "openstack-control-plane": "enabled", openvswitch: "enabled" },
            k1: { "openstack-compute-node": "enabled", openvswitch: "enabled" },
        });
    });

    it("adds custom labels beside the role labels and leaves unlabelled nodes out", () => {
        const labels = nodeLabels({ controlPlane: ["a"], compute: [], openvswitch: ["a"], custom: { b: { "example.com/rack": "r2" } } });
        assert.deepEqual(Object.keys(labels), ["a", "b"]);
        assert.deepEqual(labels.b, { "example.com/rack": "r2" });
    });

    it("orders nodes and keys so diffs are stable", () => {
        const labels = nodeLabels({ controlPlane: ["z", "a"], compute: ["m"], openvswitch: ["z", "a", "m"], custom: { a: { "a.io/x": "1" } } });
        assert.deepEqual(Object.keys(labels), ["a", "m", "z"]);
        assert.deepEqual(Object.keys(labels.a), ["a.io/x", "openstack-control-plane", "openvswitch"]);
    });
});
