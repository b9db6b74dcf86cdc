/** Namespace of every OSK config key. */
export const NAMESPACE = "osk";

/** Renders a key path the way `pulumi config set --path` spells it: `osk:controlPlane.masters[1].address`. */
export function formatPath(section: string, path: readonly PropertyKey[]): string {
    let out = `${NAMESPACE}:${section}`;
    for (const p of path) {
        if (typeof p === "number") out += `[${p}]`;
        else if (/^[A-Za-z0-9_-]+$/.test(String(p))) out += `.${String(p)}`;
        else out += `["${String(p)}"]`;
    }
    return out;
}
