// The values OSK gives the Rook/Ceph charts (prod storage): the operator, a Ceph cluster on the configured
// devices with the RBD pool behind StorageClass `general`, and the adapter that hands Ceph's keys to OpenStack.
import { CEPH_NAMESPACE, ROOK_NAMESPACE, selectNodes, STORAGE_CLASS, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

/** prod storage: the Rook operator. */
export function rookOperatorValues(): Values {
    return { crds: { enabled: true }, monitoring: { enabled: false } };
}

/** prod storage: a Ceph cluster on the configured devices, with an RBD pool behind the `general` StorageClass. */
export function rookClusterValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    const nodes = Object.entries(ctx.settings.storage.cephDevices)
        .filter(([, devs]) => devs.length > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, devs]) => ({ name, devices: devs.map((d) => ({ name: d.replace(/^\/dev\/(?!disk\/)/, "") })) }));
    const replicas = Math.min(3, nodes.length);
    return {
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
    };
}

/** prod storage: copies the Ceph client key and config into the OpenStack namespace. */
export function cephAdapterValues(): Values {
    return { ceph_cluster_namespace: CEPH_NAMESPACE, labels: { job: selectNodes("openstack-control-plane") } };
}
