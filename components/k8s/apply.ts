// Creates the typed Pulumi resource for a plain manifest object, so pure manifest builders stay plain data while
// each object is still its own resource in the plan (diffable, with its own dependencies and aliases).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
    [key: string]: unknown;
}

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource; // eslint-disable-line @typescript-eslint/no-explicit-any

const KINDS: Record<string, Ctor> = {
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/Service": k8s.core.v1.Service,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/Namespace": k8s.core.v1.Namespace,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "storage.k8s.io/v1/CSIDriver": k8s.storage.v1.CSIDriver,
    "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "apiextensions.k8s.io/v1/CustomResourceDefinition": k8s.apiextensions.v1.CustomResourceDefinition,
};

/** Custom resources OSK creates (no typed class): created as CustomResource with their apiVersion and kind. */
const CUSTOM_KINDS = new Set(["snapshot.storage.k8s.io/v1/VolumeSnapshotClass"]);

/** Resource name of a manifest inside a component: `<prefix>-<kind>-<name>`, in characters URNs keep readable. */
export function manifestResourceName(prefix: string, m: Manifest): string {
    return `${prefix}-${m.kind.toLowerCase()}-${m.metadata.name.replace(/[^A-Za-z0-9.-]/g, "-")}`;
}

/** One typed resource for the manifest; unknown kinds are a programming error, reported with the kind. */
export function applyManifest(prefix: string, m: Manifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const key = `${m.apiVersion}/${m.kind}`;
    if (CUSTOM_KINDS.has(key)) return new k8s.apiextensions.CustomResource(manifestResourceName(prefix, m), m as k8s.apiextensions.CustomResourceArgs, opts);
    const ctor = KINDS[key];
    if (!ctor) throw new Error(`no typed resource for ${m.apiVersion} ${m.kind}; allowed: ${[...Object.keys(KINDS), ...CUSTOM_KINDS].join(", ")}`);
    // The typed classes set apiVersion and kind themselves.
    const args: Record<string, unknown> = { ...m };
    delete args.apiVersion;
    delete args.kind;
    return new ctor(manifestResourceName(prefix, m), args, opts);
}
