import { strict as assert } from "assert";
import { planDrain } from "../../../components/k8s/drain";

const objs = {
    services: [
        { metadata: { name: "web", namespace: "shop" }, spec: { type: "LoadBalancer" } },
        { metadata: { name: "db", namespace: "shop" }, spec: { type: "ClusterIP" } },
    ],
    claims: [
        { metadata: { name: "data-db-0", namespace: "shop" }, spec: { volumeName: "pv-1" } },
        { metadata: { name: "archive", namespace: "shop" }, spec: { volumeName: "pv-2" } },
        { metadata: { name: "pending", namespace: "shop" }, spec: {} },
    ],
    volumes: [
        { metadata: { name: "pv-1" }, spec: { persistentVolumeReclaimPolicy: "Delete" } },
        { metadata: { name: "pv-2" }, spec: { persistentVolumeReclaimPolicy: "Retain" } },
    ],
    pods: [
        { metadata: { name: "db-0", namespace: "shop", ownerReferences: [{ kind: "StatefulSet", name: "db", controller: true }] }, spec: { volumes: [{ persistentVolumeClaim: { claimName: "data-db-0" } }] } },
        { metadata: { name: "api-7f9-x", namespace: "shop", ownerReferences: [{ kind: "ReplicaSet", name: "api-7f9", controller: true }] }, spec: { volumes: [{ persistentVolumeClaim: { claimName: "archive" } }] } },
        { metadata: { name: "debug", namespace: "shop" }, spec: { volumes: [{ persistentVolumeClaim: { claimName: "archive" } }] } },
        { metadata: { name: "web-1", namespace: "shop" }, spec: { volumes: [{}] } },
        { metadata: { name: "other", namespace: "elsewhere" }, spec: { volumes: [{ persistentVolumeClaim: { claimName: "data-db-0" } }] } },
    ],
    replicaSets: [{ metadata: { name: "api-7f9", namespace: "shop", ownerReferences: [{ kind: "Deployment", name: "api", controller: true }] } }],
};

describe("destroy-time drain of a tenant cluster", () => {
    it("deletes only LoadBalancer Services, so the cloud controller removes their Octavia load balancers", () => {
        assert.deepEqual(planDrain(objs, true).loadBalancers, [{ namespace: "shop", name: "web" }]);
    });

    it("stops before touching anything when a claim's volume would be deleted with it", () => {
        const plan = planDrain(objs, false);
        assert.deepEqual(plan.blocked, ["PersistentVolumeClaim shop/data-db-0: its volume is deleted with it (reclaim policy Delete)"]);
    });

    it("with volume deletion allowed, deletes every claim and what mounts them (same namespace only)", () => {
        const plan = planDrain(objs, true);
        assert.deepEqual(plan.blocked, []);
        assert.deepEqual(plan.claims.map((c) => [c.name, c.reclaimPolicy]), [["data-db-0", "Delete"], ["archive", "Retain"], ["pending", undefined]]);
        assert.deepEqual(plan.pods, [{ namespace: "shop", name: "debug" }], "a lone pod is deleted itself");
    });

    it("deletes the workload that owns a pod, at the top, so its controller recreates neither pods nor claims", () => {
        const plan = planDrain(objs, true);
        assert.deepEqual(plan.workloads, [
            { kind: "StatefulSet", namespace: "shop", name: "db" },
            { kind: "Deployment", namespace: "shop", name: "api" },
        ]);
    });

    describe("volume snapshots", () => {
        const snap = (name: string, source: string, content?: string) => ({ metadata: { name, namespace: "shop" }, spec: { source: { persistentVolumeClaimName: source } }, status: content ? { boundVolumeSnapshotContentName: content } : {} });
        const snapshots = [snap("nightly", "archive", "snapcontent-1"), snap("before-upgrade", "archive", "snapcontent-2"), snap("unbound", "archive")];
        const snapshotContents = [
            { metadata: { name: "snapcontent-1" }, spec: { deletionPolicy: "Delete" } },
            { metadata: { name: "snapcontent-2" }, spec: { deletionPolicy: "Retain" } },
        ];

        it("are deleted with their contents' policies known, so the drain waits for the ones Cinder deletes", () => {
            const plan = planDrain({ ...objs, snapshots, snapshotContents }, true);
            assert.deepEqual(plan.snapshots, [
                { namespace: "shop", name: "nightly", content: "snapcontent-1", deletionPolicy: "Delete" },
                { namespace: "shop", name: "before-upgrade", content: "snapcontent-2", deletionPolicy: "Retain" },
                { namespace: "shop", name: "unbound", content: undefined, deletionPolicy: undefined },
            ]);
            assert.deepEqual(plan.blocked, []);
        });

        it("whose Cinder snapshot goes with them stop the drain like a claim, unless volume deletion is allowed", () => {
            const plan = planDrain({ ...objs, claims: [objs.claims[1]], snapshots, snapshotContents }, false);
            assert.deepEqual(plan.blocked, ["VolumeSnapshot shop/nightly: its snapshot is deleted with it (deletion policy Delete)"]);
        });

        it("that keep their Cinder snapshot stop the drain when their claim's volume would be deleted: Cinder refuses that delete", () => {
            const kept = [snap("before-upgrade", "data-db-0", "snapcontent-2")];
            const plan = planDrain({ ...objs, snapshots: kept, snapshotContents }, true);
            assert.equal(plan.blocked.length, 1);
            assert.match(plan.blocked[0], /^VolumeSnapshot shop\/before-upgrade: .*Cinder cannot delete the volume of claim data-db-0/);
        });

        it("are none on a cluster without the snapshot API", () => {
            assert.deepEqual(planDrain(objs, true).snapshots, []);
        });
    });

    it("lets Retain volumes through without the flag: their data stays in Cinder", () => {
        const plan = planDrain({ ...objs, claims: [objs.claims[1]] }, false);
        assert.deepEqual(plan.blocked, []);
    });
});
