// Which labels each node gets. Pure, so the placement rules are tested without an engine.
import { ROLE_LABELS, type NodeRoles, type Role } from "./args";

/** The value openstack-helm charts select on (`labels.<component>.node_selector_value`). */
export const ROLE_LABEL_VALUE = "enabled";

/** Labels per node name: role labels plus custom labels, sorted for stable diffs. Nodes with no label are left out. */
export function nodeLabels(roles: NodeRoles): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    const add = (node: string, key: string, value: string) => {
        (out[node] ??= {})[key] = value;
    };
    for (const role of Object.keys(ROLE_LABELS) as Role[]) {
        for (const node of roles[role]) add(node, ROLE_LABELS[role], ROLE_LABEL_VALUE);
    }
    for (const [node, labels] of Object.entries(roles.custom)) {
        for (const [key, value] of Object.entries(labels)) add(node, key, value);
    }
    return Object.fromEntries(
        Object.keys(out)
            .sort()
            .map((node) => [node, Object.fromEntries(Object.entries(out[node]).sort(([a], [b]) => a.localeCompare(b)))]),
    );
}
