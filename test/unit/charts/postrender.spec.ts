// The post-renderer of autoscaled releases: it removes the null count the chart renders for an HPA's Deployment,
// so that Helm's three-way merge leaves the HPA's count alone, and it changes nothing else.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import { onPath, UNSET_REPLICAS_POSTRENDERER, unsetNullReplicas } from "../../../components/charts";

const ROOT = join(__dirname, "..", "..", "..");
const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
const deployment = (name: string, replicas: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n  template: {}\n`;

describe("the post-renderer of autoscaled releases (components/charts/postrender.ts)", () => {
    it("removes a null spec.replicas of Deployments and StatefulSets, and nothing else", () => {
        const input = [
            "# Source: keystone/templates/deployment-api.yaml\n" + deployment("keystone-api", ""),
            deployment("keystone-other", "2"),
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  replicas: null\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  replicas: null\n",
        ].join("---\n");
        const out = unsetNullReplicas(input);
        const [api, other, sts, cm] = objects(out);
        assert.deepEqual(api, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "keystone-api" }, spec: { template: {} } });
        assert.equal(other.spec.replicas, 2);
        assert.deepEqual(sts.spec, {});
        assert.deepEqual(cm.data, { replicas: null }, "only workloads' spec.replicas is touched");
        assert.match(out, /^# Source: keystone\/templates\/deployment-api.yaml$/m, "Helm's source comments stay");
    });

    it("gives back a stream with nothing to remove exactly as it came", () => {
        const input = deployment("a", "3") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
        assert.equal(unsetNullReplicas(input), input);
        assert.equal(unsetNullReplicas(""), "");
    });

    it("refuses a stream that is not YAML, so Helm fails the release instead of applying half of it", () => {
        assert.throws(() => unsetNullReplicas(deployment("a", "") + "---\nkind: [unclosed\n"), /osk-unset-replicas: a rendered manifest is not YAML/);
    });

    it("runs as the command Helm calls: bin/osk-unset-replicas, stdin to stdout, a failure on stderr with exit 1", () => {
        const bin = join(ROOT, "bin", UNSET_REPLICAS_POSTRENDERER);
        const ok = spawnSync(bin, [], { input: deployment("keystone-api", ""), encoding: "utf8" });
        assert.equal(ok.status, 0, ok.stderr);
        assert.deepEqual(objects(ok.stdout)[0].spec, { template: {} });
        const bad = spawnSync(bin, [], { input: "kind: [", encoding: "utf8" });
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, /not YAML/);
    });

    it("is found on PATH only where an executable of that name is", () => {
        assert.equal(onPath(UNSET_REPLICAS_POSTRENDERER, join(ROOT, "bin")), true);
        assert.equal(onPath(UNSET_REPLICAS_POSTRENDERER, join(ROOT, "components")), false);
        assert.equal(onPath(join(ROOT, "bin", UNSET_REPLICAS_POSTRENDERER), ""), true);
        assert.equal(onPath(join(ROOT, "README.md"), ""), false, "a file that is not executable");
    });
});
