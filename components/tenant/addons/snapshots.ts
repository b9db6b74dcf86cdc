// The snapshot API of the tenant cluster: the external-snapshotter's CustomResourceDefinitions, read from that
// project's Go module at a pinned version (never written by hand: the API server validates every VolumeSnapshot
// against them), and the VolumeSnapshotClasses of the tenant's config.
import { readFileSync } from "fs";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import type { TenantClusterConfig } from "../args";
import type { SnapshotClassSpec } from "./manifests";

/** Where the CRDs come from: the external-snapshotter's client module, the release of the sidecar and controller. */
export const EXTERNAL_SNAPSHOTTER = { module: "github.com/kubernetes-csi/external-snapshotter/client/v8", version: "v8.2.0", crdDirectory: "config/crd" } as const;

/** The CRDs OSK installs, by file in the module's crd directory. The group snapshot CRDs (beta, behind a feature
 * gate of the controller) are left out. */
export const SNAPSHOT_CRDS: Record<string, string> = {
    "snapshot.storage.k8s.io_volumesnapshotclasses.yaml": "volumesnapshotclasses.snapshot.storage.k8s.io",
    "snapshot.storage.k8s.io_volumesnapshotcontents.yaml": "volumesnapshotcontents.snapshot.storage.k8s.io",
    "snapshot.storage.k8s.io_volumesnapshots.yaml": "volumesnapshots.snapshot.storage.k8s.io",
};

export interface CrdManifest {
    apiVersion: "apiextensions.k8s.io/v1";
    kind: "CustomResourceDefinition";
    metadata: { name: string; annotations?: Record<string, string>; [key: string]: unknown };
    spec: { versions: { name: string; served: boolean; storage: boolean }[]; [key: string]: unknown };
}

/**
 * The snapshot CRDs out of a directory holding the module's `config/crd` files (what `tools/snapshot-crds.sh`
 * prints). Each file must hold exactly the CRD its name says, serving and storing `v1`; anything else is refused
 * with the file and what was found, so a wrong directory never reaches a cluster.
 */
export function loadSnapshotCrds(directory: string): CrdManifest[] {
    return Object.entries(SNAPSHOT_CRDS).map(([file, name]) => {
        const path = join(directory, file);
        let text: string;
        try {
            text = readFileSync(path, "utf8");
        } catch (e) {
            throw new Error(`snapshot CRDs: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e}); the directory must hold ${EXTERNAL_SNAPSHOTTER.module}@${EXTERNAL_SNAPSHOTTER.version}/${EXTERNAL_SNAPSHOTTER.crdDirectory}`);
        }
        const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((d) => d !== null);
        const crd = docs[0] as Partial<CrdManifest> | undefined;
        if (docs.length !== 1 || crd?.kind !== "CustomResourceDefinition" || crd.apiVersion !== "apiextensions.k8s.io/v1" || crd.metadata?.name !== name) {
            throw new Error(`snapshot CRDs: ${path} holds ${docs.length} document(s), the first ${crd?.kind ?? "nothing"} ${crd?.metadata?.name ?? ""}; expected the one CustomResourceDefinition ${name}`);
        }
        const v1 = crd.spec?.versions?.find((v) => v.name === "v1");
        if (!v1?.served || !v1.storage) throw new Error(`snapshot CRDs: ${path} does not serve and store v1 (an external-snapshotter older than v4?)`);
        return crd as CrdManifest;
    });
}

/** The tenant's VolumeSnapshotClasses, default first. */
export function snapshotClasses(t: TenantClusterConfig): SnapshotClassSpec[] {
    return t.storage.snapshotClasses
        .map((c) => ({ name: c.name, deletionPolicy: c.deletionPolicy, isDefault: c.default, forceCreate: c.forceCreate }))
        .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}
