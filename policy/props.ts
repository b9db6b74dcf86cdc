// Reading a resource's properties, for every policy of the pack.

/** The value at a dotted path of a property tree; undefined where the path ends early. */
export const get = (v: unknown, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), v);

/** Chart name of a release (the last path element for local charts). */
export function chartOf(props: Record<string, unknown>): string {
    return String(props.chart ?? "").split("/").pop() ?? "";
}
