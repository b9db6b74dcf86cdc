// images-from-mirror: quiet on what the committed stacks produce, loud on any image from elsewhere; its registry
// in each stack's policy configuration is the stack's own mirror.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { chartsToDeploy } from "../../../components/charts";
import { renderInit } from "../../../components/cluster/kubeadm";
import { mirrorPrefix } from "../../../components/core/registry";
import { cinderCsiManifests } from "../../../components/tenant/addons/manifests";
import { siteChartValues } from "../../../stacks/charts";
import { checkKubeadmImages, checkReleaseImages, checkWorkloadImages } from "../../../policy/policies";
import { model } from "../../helpers/models";
import { ROOT } from "../../helpers/stacks";

const INIT = "/etc/osk/kubeadm-init.yaml.template";
const found = (check: (report: (m: string) => void) => void) => {
    const out: string[] = [];
    check((m) => out.push(m));
    return out;
};
const policyConfig = (stack: string) => JSON.parse(readFileSync(join(ROOT, "policy", "config", `${stack}.json`), "utf8"))["images-from-mirror"] as { enforcementLevel: string; registry: string } | undefined;

describe("policy images-from-mirror", () => {
    it("each stack's policy configuration names the stack's own mirror; prod enforces it", () => {
        for (const stack of ["dev", "prod", "lab"]) {
            const reg = model(stack).site.registry;
            assert.equal(policyConfig(stack)?.registry, reg ? mirrorPrefix(reg) : undefined, stack);
        }
        assert.equal(policyConfig("prod")?.enforcementLevel, "mandatory");
    });

    const m = model("prod");
    const cfg = { registry: policyConfig("prod")!.registry };

    it("stays quiet on every prod release, on the add-ons and on kubeadm", () => {
        for (const chart of chartsToDeploy(m.platform.storage.backend, m.openstack.services)) {
            assert.deepEqual(found((r) => checkReleaseImages({ chart, values: siteChartValues(m, chart, (n) => n) }, r, cfg)), [], chart);
        }
        for (const obj of cinderCsiManifests({ cluster: "apps", registry: cfg.registry, version: "v1.33.0", ha: true })) {
            assert.deepEqual(found((r) => checkWorkloadImages(obj as Record<string, unknown>, r, cfg)), []);
        }
        if (m.controlPlane.mode !== "kubeadm") throw new Error("prod is a kubeadm stack");
        assert.deepEqual(found((r) => checkKubeadmImages({ files: { [INIT]: renderInit(m.controlPlane as never, m.site) } }, r, cfg)), []);
    });

    it("fires on a chart value, a workload container and a kubeadm repository outside the mirror", () => {
        const values = siteChartValues(m, "keystone", (n) => n) as { images: { tags: Record<string, string> } };
        values.images.tags.keystone_api = "quay.io/airshipit/keystone:2026.1-ubuntu_noble";
        const release = found((r) => checkReleaseImages({ chart: "keystone", values }, r, cfg));
        assert.deepEqual(release, ["keystone: values.images.tags.keystone_api is quay.io/airshipit/keystone:2026.1-ubuntu_noble, not from the site's mirror registry.fra1.cloud.example.net/osk."]);
        const rook = found((r) => checkReleaseImages({ chart: "rook-ceph", values: { image: { repository: "docker.io/rook/ceph", tag: "v1.17.7" } } }, r, cfg));
        assert.equal(rook.length, 1);
        const upstream = cinderCsiManifests({ cluster: "apps", registry: "registry.k8s.io", version: "v1.33.0", ha: true });
        assert.ok(upstream.flatMap((o) => found((r) => checkWorkloadImages(o as Record<string, unknown>, r, cfg))).some((msg) => /registry\.k8s\.io\/provider-os\/cinder-csi-plugin/.test(msg)));
        const noMirror = model("prod", (v) => delete v.site.registry);
        const kubeadm = found((r) => checkKubeadmImages({ files: { [INIT]: renderInit(noMirror.controlPlane as never, noMirror.site) } }, r, cfg));
        assert.match(kubeadm[0], /from registry\.k8s\.io, not from the site's mirror/);
    });

    it("judges nothing when the stack has no mirror", () => {
        assert.deepEqual(found((r) => checkReleaseImages({ chart: "rook-ceph", values: { image: { repository: "docker.io/rook/ceph", tag: "v1.17.7" } } }, r, {})), []);
    });
});
