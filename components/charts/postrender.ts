// The Helm post-renderer of releases whose Deployments an HPA scales. openstack-helm renders
// `replicas: {{ .Values.pod.replicas.<key> }}` unconditionally, so a chart can only be told "no count" by a value
// that renders empty (UNSET_REPLICAS), which leaves `replicas: null` in the manifest. Helm's three-way merge reads
// that null as "delete the field", and Kubernetes then defaults it to 1: every upgrade would scale the API back
// down. With the key removed instead, the merge leaves the HPA's count alone. bin/osk-unset-replicas runs this.
import { parseAllDocuments } from "yaml";

/** The command Helm runs (looked up on PATH; ./osk and the engine's environment put the repository's bin/ there). */
export const UNSET_REPLICAS_POSTRENDERER = "osk-unset-replicas";

/** What OSK gives `pod.replicas.<key>` of an autoscaled workload: the chart renders no number for it. (A null
 * would say the same to Helm, but the provider drops nulls from a release's values before Helm sees them.) */
export const UNSET_REPLICAS = "";

const SCALED_KINDS = new Set(["Deployment", "StatefulSet"]);

/** The rendered manifests with `spec.replicas` removed where it is null; as given when there is none (else
 * re-serialised, the same objects). */
export function unsetNullReplicas(manifests: string): string {
    const docs = parseAllDocuments(manifests);
    if (!Array.isArray(docs)) return manifests; // an empty stream
    let changed = false;
    for (const doc of docs) {
        if (doc.errors.length > 0) throw new Error(`osk-unset-replicas: a rendered manifest is not YAML: ${doc.errors[0].message}`);
        const kind = doc.get("kind");
        if (typeof kind !== "string" || !SCALED_KINDS.has(kind) || !doc.hasIn(["spec", "replicas"]) || doc.getIn(["spec", "replicas"]) !== null) continue;
        doc.deleteIn(["spec", "replicas"]);
        changed = true;
    }
    if (!changed) return manifests;
    return docs.map((d) => d.toString({ lineWidth: 0 })).join("");
}
