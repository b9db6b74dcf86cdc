import { strict as assert } from "assert";
import fc from "fast-check";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { applyLayers, layerFiles, mergeValues, parseLayer } from "../../../stacks/config/layers";
import { readLayers } from "../../../stacks/config/load";
import { formatProblems, validateConfig } from "../../../stacks/config/validate";
import { ROOT, testSecrets } from "../../helpers/stacks";

const FLEET = join(ROOT, "fleets", "lab");

/** A fleet site's own `osk:` values, as its stack file holds them. */
function siteValues(file: string): Record<string, unknown> {
    const doc = parse(readFileSync(join(FLEET, file), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^osk:/, ""), v]));
}

describe("shared configuration layers (osk:layers)", () => {
    describe("the merge", () => {
        it("merges objects key by key, the stack file winning", () => {
            const layer = { charts: { source: { repository: "http://shared" }, versions: { keystone: "1", glance: "1" } } };
            const site = { charts: { versions: { glance: "2" } } };
            assert.deepEqual(applyLayers(site, [{ file: "common.yaml", values: layer }]), {
                charts: { source: { repository: "http://shared" }, versions: { keystone: "1", glance: "2" } },
            });
        });

        it("replaces lists and scalars whole: a site says exactly which services it runs", () => {
            const merged = applyLayers({ openstack: { services: ["keystone"] } }, [{ file: "c.yaml", values: { openstack: { services: ["keystone", "glance", "nova"] } } }]);
            assert.deepEqual(merged, { openstack: { services: ["keystone"] } });
        });

        it("applies layers in order, later over earlier, and drops osk:layers itself", () => {
            const merged = applyLayers({ layers: ["a.yaml", "b.yaml"], site: { name: "x" } }, [
                { file: "a.yaml", values: { site: { profile: "dev", region: "A" } } },
                { file: "b.yaml", values: { site: { region: "B" } } },
            ]);
            assert.deepEqual(merged, { site: { profile: "dev", region: "B", name: "x" } });
        });

        it("property: every leaf the site sets survives, and every layer leaf the site does not touch is kept", () => {
            const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }));
            const tree = fc.letrec((tie) => ({ node: fc.dictionary(fc.constantFrom("a", "b", "c", "d"), fc.oneof({ depthSize: "small" }, leaf, tie("node")), { maxKeys: 4 }) })).node;
            fc.assert(
                fc.property(tree, tree, (under, over) => {
                    const merged = mergeValues(under, over) as Record<string, unknown>;
                    const leaves = (t: unknown, path: string[] = []): [string[], unknown][] =>
                        t && typeof t === "object" && !Array.isArray(t) ? Object.entries(t).flatMap(([k, v]) => leaves(v, [...path, k])) : [[path, t]];
                    const at = (t: unknown, path: string[]) => path.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], t);
                    for (const [path, v] of leaves(over)) if (path.length) assert.deepEqual(at(merged, path), v);
                    for (const [path, v] of leaves(under)) {
                        // Untouched when no prefix of its path is a leaf or the path itself in the site.
                        const touched = path.some((_, i) => { const o = at(over, path.slice(0, i + 1)); return o !== undefined && (i === path.length - 1 || typeof o !== "object" || Array.isArray(o)); });
                        if (path.length && !touched) assert.deepEqual(at(merged, path), v);
                    }
                }),
            );
        });
    });

    describe("the layer files", () => {
        it("refuses an encrypted value: secrets are per stack, encrypted with its own key", () => {
            const { problems } = parseLayer("common.yaml", "config:\n  osk:kubeconfig:\n    secure: AAAA\n");
            assert.match(formatProblems(problems), /osk:layers \(common.yaml\) osk:kubeconfig: holds an encrypted value; secrets belong in each stack file/);
        });

        it("refuses keys of another namespace, nested layers and anything beside config:", () => {
            assert.match(formatProblems(parseLayer("c.yaml", "config:\n  kubernetes:context: x\n").problems), /is not an osk: key/);
            assert.match(formatProblems(parseLayer("c.yaml", "config:\n  osk:layers: [d.yaml]\n").problems), /cannot name further layers/);
            assert.match(formatProblems(parseLayer("c.yaml", "encryptionsalt: x\nconfig: {}\n").problems), /one top-level `config:` map/);
            assert.match(formatProblems(parseLayer("c.yaml", "config: [\n").problems), /is not valid YAML/);
        });

        it("takes only relative YAML paths inside the project, and says which file is missing", () => {
            for (const bad of ["/etc/osk.yaml", "../other/common.yaml", "common.json", "fleets/lab/common.yaml"]) {
                const { problems } = layerFiles(bad === "fleets/lab/common.yaml" ? bad : [bad]);
                assert.match(formatProblems(problems), /osk:layers: must be a list of YAML files inside the project/, bad);
            }
            const { problems } = readLayers(["fleets/lab/nowhere.yaml"], ROOT);
            assert.match(formatProblems(problems), /osk:layers: names fleets\/lab\/nowhere.yaml, which is not in the project directory/);
        });
    });

    describe("the lab fleet", () => {
        const sites = readdirSync(FLEET).filter((f) => /^Pulumi\..+\.yaml$/.test(f));

        it("has at least four sites, each naming the common layer", () => {
            assert.ok(sites.length >= 4, sites.join(", "));
            for (const f of sites) assert.deepEqual(siteValues(f).layers, ["fleets/lab/common.yaml"], f);
        });

        for (const f of sites) {
            it(`${f} is valid over the common layer, with its own name and nodes and the shared chart pins`, () => {
                const own = siteValues(f);
                const { layers, problems } = readLayers(own.layers, ROOT);
                assert.deepEqual(problems, []);
                const values = applyLayers(own, layers);
                const result = validateConfig({ values: { ...values, kubeconfig: testSecrets().kubeconfig }, secretKeys: new Set(["kubeconfig"]) });
                assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
                const site = f.replace(/^Pulumi\.|\.yaml$/g, "");
                assert.equal(result.model.site.name, site);
                assert.equal(result.model.site.profile, "dev");
                assert.deepEqual(result.model.controlPlane.mode === "existing" && result.model.controlPlane.nodes, [`${site}-ctl-1`, `${site}-cmp-1`]);
                assert.equal(result.model.charts.versions.glance, layers[0].values.charts && (layers[0].values.charts as { versions: Record<string, string> }).versions.glance);
            });
        }
    });
});
