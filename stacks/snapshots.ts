// Where the program finds the external-snapshotter's CRDs for a tenant with snapshot classes: a directory the
// operator names (OSK_SNAPSHOT_CRDS, e.g. on an air-gapped site), else the Go module cache, which `go mod download`
// fills from the module proxy once per version.
import { join } from "path";
import { EXTERNAL_SNAPSHOTTER, loadSnapshotCrds, type CrdManifest } from "../components/tenant/addons/snapshots";
import { goModuleDir } from "./gomodule";

/** The directory holding the CRD files: $OSK_SNAPSHOT_CRDS, else the pinned module's, downloaded if need be. */
export function snapshotCrdDirectory(env: NodeJS.ProcessEnv = process.env): string {
    if (env.OSK_SNAPSHOT_CRDS) return env.OSK_SNAPSHOT_CRDS;
    const mod = `${EXTERNAL_SNAPSHOTTER.module}@${EXTERNAL_SNAPSHOTTER.version}`;
    try {
        return join(goModuleDir(mod, env), EXTERNAL_SNAPSHOTTER.crdDirectory);
    } catch (e) {
        throw new Error(`osk:tenant.storage.snapshotClasses: the snapshot API needs the CRDs of ${mod}: go mod download failed (${(e as Error).message}); allowed: a Go module proxy that serves it, or OSK_SNAPSHOT_CRDS naming a directory with its ${EXTERNAL_SNAPSHOTTER.crdDirectory} files`);
    }
}

/** The CRDs when the tenant has snapshot classes, else none (nothing is downloaded). */
export function tenantSnapshotCrds(classes: readonly unknown[], env: NodeJS.ProcessEnv = process.env): CrdManifest[] | undefined {
    return classes.length > 0 ? loadSnapshotCrds(snapshotCrdDirectory(env)) : undefined;
}
