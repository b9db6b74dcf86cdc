// The values OSK gives the Rook/Ceph charts (prod storage): the operator, a Ceph cluster on the configured
// devices with the RBD pool behind StorageClass `general`, and the adapter that hands Ceph's keys to OpenStack.
import { CEPH_NAMESPACE, imageTags, merge, mirroredImageValues, OSH_IMAGES, ROOK_NAMESPACE, selectNodes, STORAGE_CLASS, type ChartImage, type Values, type ValuesContext, type ChartWorkloads } from "../../charts";
import { PULL_SECRET_NAME } from "../../core/registry";
import type { PlatformSettings } from "../args";

/** The operator chart's images at 1.17.7: the operator and the Ceph CSI driver with its sidecars. */
export const ROOK_OPERATOR_IMAGES: ChartImage[] = [
    { path: "image", source: "docker.io/rook/ceph:v1.17.7", shape: "repository-tag" },
    { path: "csi.cephcsi", source: "quay.io/cephcsi/cephcsi:v3.14.2", shape: "repository-tag" },
    { path: "csi.registrar", source: "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0", shape: "repository-tag" },
    { path: "csi.provisioner", source: "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0", shape: "repository-tag" },
    { path: "csi.snapshotter", source: "registry.k8s.io/sig-storage/csi-snapshotter:v8.2.1", shape: "repository-tag" },
    { path: "csi.attacher", source: "registry.k8s.io/sig-storage/csi-attacher:v4.8.1", shape: "repository-tag" },
    { path: "csi.resizer", source: "registry.k8s.io/sig-storage/csi-resizer:v1.13.2", shape: "repository-tag" },
];

/** The cluster chart's images at 1.17.7: the Ceph daemons and the toolbox (which otherwise defaults to them). */
export const ROOK_CLUSTER_IMAGES: ChartImage[] = [
    { path: "cephClusterSpec.cephVersion.image", source: "quay.io/ceph/ceph:v19.2.3" },
    { path: "toolbox.image", source: "quay.io/ceph/ceph:v19.2.3" },
];

/** Every key of ceph-adapter-rook's `images.tags` at the pinned 2026.1.x line. */
export const CEPH_ADAPTER_IMAGES: ChartImage[] = imageTags({
    ceph_config_helper: OSH_IMAGES.cephConfigHelper,
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

/** ceph-adapter-rook runs Jobs only. */
export const CEPH_ADAPTER_WORKLOADS: ChartWorkloads = { workloads: [], jobs: ["namespace_client_key", "namespace_client_ceph_config"] };

/** Both Rook charts put `imagePullSecrets` on every service account they make: with a mirror that needs a login,
 * the one the platform creates in their namespace ({@link PULL_SECRET_NAME}). */
function rookPullSecrets<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return ctx.site.site.registry?.username ? { imagePullSecrets: [{ name: PULL_SECRET_NAME }] } : {};
}

/** prod storage: the Rook operator. */
export function rookOperatorValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(merge(mirroredImageValues(ROOK_OPERATOR_IMAGES, ctx.site.site.registry), rookPullSecrets(ctx)), { crds: { enabled: true }, monitoring: { enabled: false } });
}

/** prod storage: a Ceph cluster on the configured devices, with an RBD pool behind the `general` StorageClass. */
export function rookClusterValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    const nodes = Object.entries(ctx.settings.storage.cephDevices)
        .filter(([, devs]) => devs.length > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, devs]) => ({ name, devices: devs.map((d) => ({ name: d.replace(/^\/dev\/(?!disk\/)/, "") })) }));
    const replicas = Math.min(3, nodes.length);
    return merge(merge(mirroredImageValues(ROOK_CLUSTER_IMAGES, ctx.site.site.registry), rookPullSecrets(ctx)), {
        operatorNamespace: ROOK_NAMESPACE,
        // ceph-adapter-rook reads the admin key through the toolbox pod.
        toolbox: { enabled: true },
        cephClusterSpec: {
            mon: { count: 3, allowMultiplePerNode: false },
            mgr: { count: 2 },
            storage: { useAllNodes: false, useAllDevices: false, nodes },
        },
        cephBlockPools: [
            {
                name: "rbd",
                spec: { failureDomain: "host", replicated: { size: replicas } },
                storageClass: {
                    enabled: true,
                    name: STORAGE_CLASS,
                    isDefault: true,
                    // Database and message-broker volumes outlive their claims.
                    reclaimPolicy: "Retain",
                    allowVolumeExpansion: true,
                    volumeBindingMode: "Immediate",
                    parameters: {
                        imageFormat: "2",
                        imageFeatures: "layering",
                        "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
                        "csi.storage.k8s.io/provisioner-secret-namespace": CEPH_NAMESPACE,
                        "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
                        "csi.storage.k8s.io/controller-expand-secret-namespace": CEPH_NAMESPACE,
                        "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
                        "csi.storage.k8s.io/node-stage-secret-namespace": CEPH_NAMESPACE,
                        "csi.storage.k8s.io/fstype": "ext4",
                    },
                },
            },
        ],
        cephFileSystems: [],
        cephObjectStores: [],
    });
}

/** prod storage: copies the Ceph client key and config into the OpenStack namespace. */
export function cephAdapterValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(mirroredImageValues(CEPH_ADAPTER_IMAGES, ctx.site.site.registry), { ceph_cluster_namespace: CEPH_NAMESPACE, labels: { job: selectNodes("openstack-control-plane") } });
}
