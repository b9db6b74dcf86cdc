// The pure half of `./osk fleet`: its arguments, which sites, a pool that runs N at a time, what a site's run found,
// and the closing table. tools/fleet/fleet.ts runs the engine.
import { cpus } from "os";

export type FleetAction = "preview" | "up";

export interface FleetArgs {
    action: FleetAction;
    /** Sites run at once. @default the machine's cores, at most 4 */
    parallel: number;
    /** The Pulumi project directory whose `Pulumi.<site>.yaml` files are the fleet. @default the repository */
    project?: string;
    /** Refresh each site before the preview or update. @default false */
    refresh: boolean;
    /** Write the results as JSON here as well. */
    json?: string;
    /** Only these sites. @default every site of the project */
    sites: string[];
}

export const USAGE = "usage: ./osk fleet preview|up [--parallel N] [--project DIR] [--refresh] [--json FILE] [SITE...]";

/** Parses `./osk fleet ...`; throws a message naming the bad argument and what is allowed. */
export function parseFleetArgs(argv: readonly string[], cores = cpus().length): FleetArgs {
    const [action, ...rest] = argv;
    if (action !== "preview" && action !== "up") throw new Error(`fleet: "${action ?? ""}" is not an action; allowed: preview, up\n${USAGE}`);
    const args: FleetArgs = { action, parallel: Math.max(1, Math.min(4, cores)), refresh: false, sites: [] };
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        const value = () => {
            const v = rest[++i];
            if (v === undefined || v.startsWith("--")) throw new Error(`fleet: ${a} needs a value\n${USAGE}`);
            return v;
        };
        if (a === "--parallel") {
            const v = value();
            if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`fleet: --parallel "${v}" is not a whole number of sites at once (1 or more)`);
            args.parallel = Number(v);
        } else if (a === "--project") args.project = value();
        else if (a === "--json") args.json = value();
        else if (a === "--refresh") args.refresh = true;
        else if (a.startsWith("-")) throw new Error(`fleet: unknown option ${a}; allowed: --parallel N, --project DIR, --refresh, --json FILE\n${USAGE}`);
        else args.sites.push(a);
    }
    return args;
}

/** Site names from a project's file names: every `Pulumi.<site>.yaml`. */
export function siteNames(files: readonly string[]): string[] {
    return files.map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
}

/** The sites asked for, in the project's order; throws on one the project does not have. */
export function selectSites(known: readonly string[], asked: readonly string[]): string[] {
    if (known.length === 0) throw new Error("fleet: the project has no Pulumi.<site>.yaml files");
    const unknown = asked.filter((s) => !known.includes(s));
    if (unknown.length) throw new Error(`fleet: no stack file for ${unknown.join(", ")}; sites of this project: ${known.join(", ")}`);
    return asked.length ? known.filter((s) => asked.includes(s)) : [...known];
}

/** Runs `fn` over `items`, at most `n` at once, each to its end whatever the others do; results in item order. */
export async function runPool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
    return results;
}

export interface SiteResult {
    site: string;
    ok: boolean;
    /** Resources by operation (create, update, replace, delete, same), as the engine counted them. */
    changes: Record<string, number>;
    /** Planned or done steps other than `same`: `<op> <type> <name>`, the site's own name written `<site>`. */
    steps: string[];
    seconds: number;
    policy: { mandatory: number; advisory: number };
    /** Why it failed (the engine's error, first lines). */
    error?: string;
}

const OPS = ["create", "update", "replace", "delete", "same"] as const;

/** One step as sites can compare it: the URN's type and name, the site's own name generalized. */
export function stepKey(op: string, urn: string, site: string): string {
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    const name = (parts[3] ?? "").split(site).join("<site>");
    return `${op} ${type} ${name}`;
}

/** The closing table: one line per site, then the totals and how many failed. */
export function summaryTable(action: FleetAction, results: readonly SiteResult[]): string {
    const head = ["site", "result", ...OPS, "policy (mandatory/advisory)", "duration"];
    const rows = results.map((r) => [
        r.site,
        r.ok ? "ok" : "FAILED",
        ...OPS.map((op) => String(r.changes[op] ?? 0)),
        `${r.policy.mandatory}/${r.policy.advisory}`,
        `${r.seconds.toFixed(1)} s`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    const failed = results.filter((r) => !r.ok);
    const out = [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
    out.push("", `fleet ${action}: ${results.length - failed.length} of ${results.length} sites ok${failed.length ? `, failed: ${failed.map((r) => r.site).join(", ")}` : ""}`);
    for (const r of failed) out.push(`  ${r.site}: ${r.error ?? "failed"}`);
    return out.join("\n");
}
