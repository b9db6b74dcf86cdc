// One way to turn a schema's complaints into problems a person can act on: the key, what is wrong, what is
// allowed. The stack configuration and the components' own argument checks both speak through it.
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** One problem with an input: where it is (key path) and what is wrong with it. */
export interface Issue {
    readonly path: readonly PropertyKey[];
    readonly message: string;
}

function describe(issue: z.core.$ZodIssue): Issue {
    switch (issue.code) {
        case "invalid_type":
            if ((issue as { input?: unknown }).input === undefined) {
                return { path: issue.path, message: `is required (expected ${issue.expected})` };
            }
            return { path: issue.path, message: `has the wrong type: expected ${issue.expected}` };
        case "invalid_key":
            return { path: issue.path, message: issue.issues[0]?.message ?? issue.message };
        case "invalid_value":
            return { path: issue.path, message: `has a value that is not allowed; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
        case "too_small":
            return { path: issue.path, message: issue.message.startsWith("Too small") ? `is too small: minimum ${String(issue.minimum)}` : issue.message };
        case "too_big":
            return { path: issue.path, message: issue.message.startsWith("Too big") ? `is too big: maximum ${String(issue.maximum)}` : issue.message };
        default:
            return { path: issue.path, message: issue.message };
    }
}

/** A schema's issues as problems; an unknown key is one problem per key, named at its own path. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], unknownKeyHint = "check the spelling against the schema"): Issue[] {
    const out: Issue[] = [];
    for (const issue of issues) {
        if (issue.code === "unrecognized_keys") {
            for (const key of issue.keys) out.push({ path: [...issue.path, key], message: `is not a known key (${unknownKeyHint})` });
            continue;
        }
        out.push(describe(issue));
    }
    return out;
}

/** Renders a key path the way `pulumi config set --path` spells it: `controlPlane.masters[1].address`. */
export function formatKeyPath(root: string, path: readonly PropertyKey[]): string {
    let out = root;
    for (const p of path) {
        if (typeof p === "number") out += `[${p}]`;
        else if (/^[A-Za-z0-9_-]+$/.test(String(p))) out += `.${String(p)}`;
        else out += `["${String(p)}"]`;
    }
    return out;
}

/**
 * Parses a component's arguments with its schema, or throws a `ResourceError` naming every bad key (under `root`,
 * e.g. `args.config`), what was wrong and what is allowed. Runs in the constructor, before any child exists.
 */
export function parseArgs<S extends z.ZodType>(schema: S, value: unknown, root: string, resource: pulumi.Resource, what: string): z.infer<S> {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    const lines = describeIssues(result.error.issues, `see the argument types of ${what}`).map((i) => `  - ${formatKeyPath(root, i.path)}: ${i.message}`);
    throw new pulumi.ResourceError(`invalid arguments for ${what} (${lines.length} problem${lines.length === 1 ? "" : "s"}):\n${lines.join("\n")}`, resource);
}
