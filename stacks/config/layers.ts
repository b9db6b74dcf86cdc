// Shared configuration layers: many sites' stack files name one common file (`osk:layers`) instead of repeating
// what they share, and a change made there (a chart pin, a platform setting) reaches every site that names it.
// A layer is written like a stack file's `config:` block; the stack's own values always win. Pure: the caller
// reads the files.
import { parse } from "yaml";
import type { Problem } from "./model";
import { NAMESPACE } from "./paths";

/** The stack key that names the layers, in order: later layers win over earlier ones, the stack file over all. */
export const LAYERS_KEY = "layers";

export interface Layer {
    /** Where it came from, as the stack file names it (relative to the project directory). */
    readonly file: string;
    /** Its `osk:` values, without the namespace prefix. */
    readonly values: Readonly<Record<string, unknown>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Deep merge, `over` winning: objects merge key by key; anything else (scalars, lists, null) in `over` replaces
 * what `under` has. Lists replace rather than append, so a site can always say exactly what it runs.
 */
export function mergeValues(under: unknown, over: unknown): unknown {
    if (over === undefined) return under;
    if (!isObject(under) || !isObject(over)) return over;
    const out: Record<string, unknown> = { ...under };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValues(under[k], v);
    return out;
}

/** Reads one layer file's text: a `config:` map of `osk:<key>` values, plain only. */
export function parseLayer(file: string, text: string): { layer?: Layer; problems: Problem[] } {
    const at = `${NAMESPACE}:${LAYERS_KEY} (${file})`;
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (e) {
        return { problems: [{ path: at, message: `is not valid YAML: ${(e as Error).message.split("\n")[0]}` }] };
    }
    if (!isObject(doc) || !isObject(doc.config) || Object.keys(doc).some((k) => k !== "config")) {
        return { problems: [{ path: at, message: "must hold one top-level `config:` map, as a stack file does, and nothing else" }] };
    }
    const problems: Problem[] = [];
    const values: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(doc.config)) {
        const [ns, key] = fullKey.split(":", 2);
        if (ns !== NAMESPACE || !key) {
            problems.push({ path: `${at} ${fullKey}`, message: `is not an ${NAMESPACE}: key; a layer holds only ${NAMESPACE}:<section> values` });
        } else if (key === LAYERS_KEY) {
            problems.push({ path: `${at} ${fullKey}`, message: "a layer cannot name further layers; list them all in the stack file" });
        } else if (JSON.stringify(value ?? null).includes('"secure":')) {
            // Secrets are encrypted per stack with that stack's own key; a shared file cannot hold one.
            problems.push({ path: `${at} ${fullKey}`, message: "holds an encrypted value; secrets belong in each stack file (pulumi config set --secret)" });
        } else {
            values[key] = value;
        }
    }
    return problems.length ? { problems } : { layer: { file, values }, problems };
}

/** The layer files a stack names, or a problem when `osk:layers` is not a list of relative YAML paths. */
export function layerFiles(value: unknown): { files: string[]; problems: Problem[] } {
    const at = `${NAMESPACE}:${LAYERS_KEY}`;
    if (value === undefined) return { files: [], problems: [] };
    const ok = Array.isArray(value) && value.every((f) => typeof f === "string" && /\.ya?ml$/.test(f) && !f.startsWith("/") && !f.split("/").includes(".."));
    if (!ok) return { files: [], problems: [{ path: at, message: "must be a list of YAML files inside the project, relative to its directory (e.g. [fleets/lab/common.yaml])" }] };
    return { files: value as string[], problems: [] };
}

/** The stack's values over its layers, in order; `osk:layers` itself is dropped once applied. */
export function applyLayers(values: Readonly<Record<string, unknown>>, layers: readonly Layer[]): Record<string, unknown> {
    let merged: Record<string, unknown> = {};
    for (const layer of layers) merged = mergeValues(merged, layer.values) as Record<string, unknown>;
    const own = Object.fromEntries(Object.entries(values).filter(([k]) => k !== LAYERS_KEY));
    return mergeValues(merged, own) as Record<string, unknown>;
}
