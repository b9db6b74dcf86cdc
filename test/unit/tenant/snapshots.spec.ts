// The tenant cluster's snapshot API: the external-snapshotter's own CRDs at the pinned version, its controller,
// and the VolumeSnapshotClasses of the config.
import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { snapshotControllerManifests, volumeSnapshotClassManifest } from "../../../components/tenant/addons/manifests";
import { EXTERNAL_SNAPSHOTTER, loadSnapshotCrds, snapshotClasses, SNAPSHOT_CRDS } from "../../../components/tenant/addons/snapshots";
import { snapshotCrdDirectory } from "../../../stacks/snapshots";
import { validateConfig } from "../../../stacks/config/validate";
import { rawConfig } from "../../helpers/stacks";
import { model } from "../../helpers/models";
import { runStack, type RunResult } from "../../helpers/mockRun";

const ctx = (ha: boolean) => ({ cluster: "c1", registry: "registry.k8s.io", version: "v1.33.0", ha });

describe("the tenant's snapshot API (components/tenant/addons/snapshots.ts)", () => {
    let dir: string;
    before(function () {
        this.timeout(120_000); // the first download of the module on a machine
        dir = snapshotCrdDirectory({ ...process.env, OSK_SNAPSHOT_CRDS: "" });
    });

    it("takes the CRDs from the external-snapshotter's Go module at the pinned version, v1 served and stored", () => {
        assert.ok(dir.includes(`${EXTERNAL_SNAPSHOTTER.module}@${EXTERNAL_SNAPSHOTTER.version}`), dir);
        const crds = loadSnapshotCrds(dir);
        assert.deepEqual(crds.map((c) => c.metadata.name), Object.values(SNAPSHOT_CRDS));
        for (const c of crds) assert.ok(c.spec.versions.some((v) => v.name === "v1" && v.served && v.storage), c.metadata.name);
        // Upstream's own schema, with its validation rules: nothing of it is written here.
        assert.match(JSON.stringify(crds[2]), /x-kubernetes-validations/);
    });

    it("refuses a directory that does not hold them, naming the file and what it found", () => {
        const bad = mkdtempSync(join(tmpdir(), "osk-crds-"));
        assert.throws(() => loadSnapshotCrds(bad), /cannot read .*snapshot\.storage\.k8s\.io_volumesnapshotclasses\.yaml \(ENOENT\)/);
        for (const f of Object.keys(SNAPSHOT_CRDS)) writeFileSync(join(bad, f), readFileSync(join(dir, f)));
        const swapped = Object.keys(SNAPSHOT_CRDS);
        writeFileSync(join(bad, swapped[0]), readFileSync(join(dir, swapped[2])));
        assert.throws(() => loadSnapshotCrds(bad), /holds 1 document\(s\), the first CustomResourceDefinition volumesnapshots\.snapshot\.storage\.k8s\.io; expected the one CustomResourceDefinition volumesnapshotclasses/);
    });

    it("prefers the directory an operator names (an air-gapped site) and reports a download that fails", () => {
        assert.equal(snapshotCrdDirectory({ ...process.env, OSK_SNAPSHOT_CRDS: "/srv/mirror/crd" }), "/srv/mirror/crd");
        assert.throws(() => snapshotCrdDirectory({ PATH: "/nonexistent" }), /osk:tenant\.storage\.snapshotClasses: the snapshot API needs the CRDs of github\.com\/kubernetes-csi\/external-snapshotter\/client\/v8@v8\.2\.0: go mod download failed .*OSK_SNAPSHOT_CRDS/);
    });

    it("makes one Cinder VolumeSnapshotClass per config entry, the default first and annotated", () => {
        const t = model("prod").tenant;
        if (!t.enabled) throw new Error("prod has a tenant");
        const classes = snapshotClasses(t);
        assert.deepEqual(classes.map((c) => [c.name, c.deletionPolicy, c.isDefault]), [["standard", "Delete", true], ["keep", "Retain", false]]);
        const [std, keep] = classes.map(volumeSnapshotClassManifest);
        assert.equal(std.driver, "cinder.csi.openstack.org");
        assert.equal(std.metadata.annotations?.["snapshot.storage.kubernetes.io/is-default-class"], "true");
        assert.equal(keep.metadata.annotations, undefined);
        assert.deepEqual([keep.deletionPolicy, keep.parameters], ["Retain", { "force-create": "true" }]);
    });

    it("runs the snapshot controller once, or twice with leader election in prod, with rights on the snapshot objects", () => {
        const one = snapshotControllerManifests(ctx(false));
        const deploy = (objs: typeof one) => objs.find((o) => o.kind === "Deployment") as { spec: { replicas: number; template: { spec: { containers: { image: string; args: string[] }[] } } } } & (typeof one)[0];
        assert.equal(deploy(one).spec.replicas, 1);
        assert.equal(deploy(one).spec.template.spec.containers[0].image, "registry.k8s.io/sig-storage/snapshot-controller:v8.2.1");
        const two = deploy(snapshotControllerManifests(ctx(true)));
        assert.equal(two.spec.replicas, 2);
        assert.ok(two.spec.template.spec.containers[0].args.includes("--leader-election=true"));
        const role = one.find((o) => o.kind === "ClusterRole") as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
        const can = (resource: string, verb: string) => role.rules.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
        assert.ok(can("volumesnapshotcontents", "create") && can("volumesnapshots/status", "update") && can("persistentvolumeclaims", "update"));
        assert.ok(!can("secrets", "get"), "the controller reads no secrets");
    });

    it("validation refuses two defaults, a name twice, and snapshot classes without the Cinder CSI driver", () => {
        const problems = (edit: (t: Record<string, any>) => void) => {
            const result = validateConfig(rawConfig("prod", (v) => edit(v.tenant)));
            return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
        };
        assert.deepEqual(problems((t) => t.storage.snapshotClasses.push({ name: "standard", default: true })), [
            'osk:tenant.storage.snapshotClasses: VolumeSnapshotClass "standard" is defined twice',
            "osk:tenant.storage.snapshotClasses: more than one VolumeSnapshotClass is marked default; allowed: at most one",
        ]);
        const noCsi = problems((t) => {
            t.addons = { cinderCsi: false };
            t.storage.cinderClasses = [];
        });
        assert.deepEqual(noCsi, ["osk:tenant.storage.snapshotClasses: Cinder snapshots need the Cinder CSI driver (its snapshotter cuts them); allowed: tenant.addons.cinderCsi: true, or no snapshotClasses"]);
        assert.deepEqual(problems((t) => (t.storage.snapshotClasses = [{ name: "x", deletionPolicy: "Keep" }])).length, 1);
    });
});

describe("the snapshot API in the prod stack (under mocks)", () => {
    let run: RunResult;
    before(async function () {
        this.timeout(120_000);
        run = await runStack("prod");
    });

    it("creates the CRDs first and protected (deleting one deletes every snapshot object of its kind), then the classes", () => {
        const crds = run.ofType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
        assert.deepEqual(crds.map((c) => c.inputs.metadata.name).sort(), Object.values(SNAPSHOT_CRDS).sort());
        for (const c of crds) assert.equal(c.protect, true, c.name);
        const classes = run.ofType("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass");
        assert.deepEqual(classes.map((c) => c.inputs.metadata.name).sort(), ["keep", "standard"]);
        for (const c of classes) assert.deepEqual(c.dependsOn.sort(), crds.map((x) => x.name).sort(), c.name);
        const controller = run.byName("tenant-addons-snapshot-controller-deployment-snapshot-controller");
        assert.equal(controller.inputs.spec.replicas, 2);
    });
});
