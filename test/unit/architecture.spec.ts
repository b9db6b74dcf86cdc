// The direction of imports between modules (docs/architecture.md): components never reach up into the program,
// its tools or its tests, a module imports only modules of a lower layer, and so no two modules import each other.
import { strict as assert } from "assert";
import { moduleGraph, moduleOf, sources } from "../../tools/imports";

/** Layers, lowest first. A module may import only modules of lower layers. */
const LAYERS: readonly (readonly string[])[] = [
    ["components/net"],
    ["components/core"],
    ["components/provider"],
    ["components/k8s", "components/remote", "components/secrets"],
    ["components/charts", "components/cluster", "components/noderoles", "components/plugin"],
    ["components/platform"],
    ["components/openstack"],
    ["components/tenant"],
];
const rank = (m: string) => LAYERS.findIndex((layer) => layer.includes(m));

describe("architecture", () => {
    const edges = [...moduleGraph(sources()).keys()].map((e) => e.split(" -> ") as [string, string]);

    it("names a module by its folder under components/, else by its top-level folder", () => {
        assert.equal(moduleOf("components/openstack/charts/nova.ts"), "components/openstack");
        assert.equal(moduleOf("components/charts"), "components/charts");
        assert.equal(moduleOf("stacks/config/schema.ts"), "stacks");
    });

    it("has every components/ module in a layer", () => {
        const modules = new Set(edges.flat().filter((m) => m.startsWith("components/")));
        for (const m of modules) assert.ok(rank(m) >= 0, `${m} is in no layer of this test and docs/architecture.md`);
    });

    it("never imports the program, its tools, the policy pack, the examples or the tests from components/", () => {
        // package.json is data (the provider's version), not a module.
        const up = edges.filter(([from, to]) => from.startsWith("components/") && !to.startsWith("components/") && to !== "package.json");
        assert.deepEqual(up, []);
    });

    it("imports only downwards between components", () => {
        const wrong = edges.filter(([from, to]) => from.startsWith("components/") && to.startsWith("components/") && rank(to) >= rank(from));
        assert.deepEqual(wrong.map((e) => e.join(" -> ")), []);
    });
});
