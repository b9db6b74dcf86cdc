// The token rule of OSK's OpenStack provider, and what the @pulumi/openstack SDK package itself asks for.
// The provider (tools/openstack-provider/info.go) names each Terraform resource and data source by the mechanical
// rule below unless tokens.json names it otherwise; tokens.json is derived from the SDK package by
// `derive-tokens.ts` and checked against it by the unit and engine tiers.
import { readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";

export const ROOT = join(__dirname, "..", "..");
export const SDK_DIR = join(ROOT, "node_modules", "@pulumi", "openstack");
export const TOKENS_FILE = join(__dirname, "tokens.json");

export interface TokenTable {
    comment: string;
    /** Terraform module prefix -> Pulumi module (`lb` -> `loadbalancer`). */
    modules: Record<string, string>;
    /** Terraform resource name -> the SDK's resource token, where the mechanical rule spells it otherwise. */
    resources: Record<string, string>;
    /** Terraform data source name -> the SDK's function token, likewise. */
    functions: Record<string, string>;
    /** Terraform names the provider leaves out, each with the reason (hand-kept). */
    ignored: Record<string, string>;
}

export function readTokenTable(file = TOKENS_FILE): TokenTable {
    return JSON.parse(readFileSync(file, "utf8")) as TokenTable;
}

function lowerCamel(parts: string[]): string {
    return parts.map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join("");
}

/** `openstack_networking_port_v2` -> module `networking`, name parts `["port"]` (the version suffix dropped). */
function splitTerraformName(tfName: string, modules: Record<string, string>): { module: string; parts: string[] } {
    const m = /^openstack_([a-z0-9]+)_([a-z0-9_]+?)(?:_v\d+)?$/.exec(tfName);
    if (!m) throw new Error(`${tfName} is not an openstack_<module>_<name>[_v<N>] Terraform name`);
    return { module: modules[m[1]] ?? m[1], parts: m[2].split("_") };
}

/** The mechanical resource token: `openstack_networking_port_v2` -> `openstack:networking/port:Port`. */
export function mechanicalResourceToken(tfName: string, modules: Record<string, string>): string {
    const { module, parts } = splitTerraformName(tfName, modules);
    const camel = lowerCamel(parts);
    return `openstack:${module}/${camel}:${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}

/** The mechanical function token: `openstack_networking_network_v2` -> `openstack:networking/getNetwork:getNetwork`. */
export function mechanicalFunctionToken(tfName: string, modules: Record<string, string>): string {
    const { module, parts } = splitTerraformName(tfName, modules);
    const name = lowerCamel(["get", ...parts]);
    return `openstack:${module}/${name}:${name}`;
}

/** The token the provider serves for a Terraform name: the table's, else the mechanical one. */
export function providerToken(kind: "resource" | "function", tfName: string, table: TokenTable): string {
    if (kind === "resource") return table.resources[tfName] ?? mechanicalResourceToken(tfName, table.modules);
    return table.functions[tfName] ?? mechanicalFunctionToken(tfName, table.modules);
}

function jsFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) out.push(...jsFiles(path));
        else if (entry.endsWith(".js")) out.push(path);
    }
    return out;
}

export interface SdkTokens {
    version: string;
    resources: string[];
    functions: string[];
}

/** Every resource and function token the installed @pulumi/openstack package sends, read off its compiled code. */
export function sdkTokens(dir = SDK_DIR): SdkTokens {
    const resources = new Set<string>();
    const functions = new Set<string>();
    for (const file of jsFiles(dir)) {
        if (file.includes(`${join(dir, "node_modules")}`)) continue;
        const text = readFileSync(file, "utf8");
        for (const m of text.matchAll(/__pulumiType = '(openstack:[^']+)'/g)) resources.add(m[1]);
        for (const m of text.matchAll(/\.invoke(?:Output)?\("(openstack:[^"]+)"/g)) functions.add(m[1]);
    }
    const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version.replace(/^v/, "");
    return { version, resources: [...resources].sort(), functions: [...functions].sort() };
}

/** `openstack:networking/secGroupRule:SecGroupRule` -> `networking` and `secgrouprule`. */
function normalized(token: string): { module: string; name: string } {
    const [, path] = token.split(":");
    const [module, name] = path.split("/");
    return { module, name: name.toLowerCase().replace(/^get/, "") };
}

function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
}

export interface Derivation {
    /** Exceptions: Terraform name -> SDK token. */
    resources: Record<string, string>;
    functions: Record<string, string>;
    /** SDK tokens no Terraform resource or data source of this provider version serves. */
    unservedSdkResources: string[];
    unservedSdkFunctions: string[];
    /** Terraform names the SDK has no token for (served under the mechanical token). */
    newResources: string[];
    newFunctions: string[];
}

/**
 * Matches each Terraform name to the SDK token that spells it: the mechanical token when the SDK has it; else the
 * SDK token of the same module whose name is the Terraform name (with or without its version suffix) up to case and
 * underscores; else, for the SDK's typos, the SDK token of that module nearest to it, within two letters. Where the
 * matched token is not the mechanical one, it is an exception.
 */
export function deriveExceptions(kind: "resource" | "function", tfNames: string[], sdk: string[], modules: Record<string, string>): { exceptions: Record<string, string>; unserved: string[]; fresh: string[] } {
    const mechanical = kind === "resource" ? mechanicalResourceToken : mechanicalFunctionToken;
    const unclaimed = new Set(sdk);
    const exceptions: Record<string, string> = {};
    const pending: string[] = [];
    const claim = (tf: string, token: string) => {
        unclaimed.delete(token);
        if (token !== mechanical(tf, modules)) exceptions[tf] = token;
    };
    const candidates = (tf: string): { module: string; names: string[] } => {
        const m = /^openstack_([a-z0-9]+)_([a-z0-9_]+?)(_v\d+)?$/.exec(tf)!;
        const bare = m[2].replace(/_/g, "");
        const names = [bare, bare + (m[3] ?? "").replace(/_/g, "")];
        // The SDK keeps some data sources of a renamed module at its root, spelled with the Terraform module.
        return { module: modules[m[1]] ?? m[1], names: [...names, ...names.map((n) => m[1] + n)] };
    };
    // Exact matches first, so a fuzzy match never takes a token another name spells exactly.
    for (const tf of tfNames) {
        if (unclaimed.has(mechanical(tf, modules))) {
            claim(tf, mechanical(tf, modules));
            continue;
        }
        const { module, names } = candidates(tf);
        const hit = [...unclaimed].find((t) => {
            const n = normalized(t);
            return (n.module === module || n.module === "index") && names.includes(n.name);
        });
        if (hit) claim(tf, hit);
        else pending.push(tf);
    }
    const fresh: string[] = [];
    for (const tf of pending) {
        const { module, names } = candidates(tf);
        const distance = (t: string) => Math.min(...names.map((n) => editDistance(n, normalized(t).name)));
        const near = [...unclaimed].filter((t) => normalized(t).module === module && distance(t) <= 2).sort((a, b) => distance(a) - distance(b));
        // Only an unambiguous nearest one: two SDK tokens equally near say nothing about which one is meant.
        if (near.length > 0 && (near.length === 1 || distance(near[0]) < distance(near[1]))) claim(tf, near[0]);
        else fresh.push(tf);
    }
    return { exceptions, unserved: [...unclaimed].sort(), fresh: fresh.sort() };
}

/**
 * Every token the provider serves, mapped to the Terraform name behind it: the names `ignored` lists left out.
 * Throws when two Terraform names would get one token (the bridge would serve only one of them).
 */
export function servedTokens(kind: "resource" | "function", tfNames: string[], table: TokenTable): Map<string, string> {
    const served = new Map<string, string>();
    for (const tf of tfNames) {
        if (tf in table.ignored) continue;
        const token = providerToken(kind, tf, table);
        const other = served.get(token);
        if (other) throw new Error(`${other} and ${tf} both map to ${token}: list one of them under "ignored" in tokens.json, with the reason`);
        served.set(token, tf);
    }
    return served;
}

/** Terraform resource and data source names, read off the Terraform provider's own provider.go. */
export function terraformNames(providerGo: string): { resources: string[]; dataSources: string[] } {
    const section = (start: string): string[] => {
        const from = providerGo.indexOf(start);
        if (from < 0) throw new Error(`provider.go has no ${start}`);
        const body = providerGo.slice(from, providerGo.indexOf("\n\t\t},", from));
        return [...body.matchAll(/"(openstack_[a-z0-9_]+)":/g)].map((m) => m[1]).sort();
    };
    return { resources: section("ResourcesMap:"), dataSources: section("DataSourcesMap:") };
}
