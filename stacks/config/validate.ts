// Turns raw stack configuration into the typed model, or into a list of problems. Pure: no Pulumi runtime.
import type { z } from "zod";
import { describeIssues } from "../../components/core/validation";
import { resolveNodeRoles } from "../../components/noderoles/args";
import { siteCredentialNames } from "../charts";
import { SecretValue, type Model, type Problem, type Secrets } from "./model";
import { crossFieldProblems, inventory, storageBackend, type ParsedSections } from "./rules";
import { formatPath, NAMESPACE } from "./paths";
import { OPTIONAL_SECTIONS, SECRET_KEYS, SECTIONS, type SectionName, type ServiceName } from "./schema";


/** Configuration as the program sees it: values by key (without the `osk:` prefix) and which keys are encrypted. */
export interface RawConfig {
    readonly values: Readonly<Record<string, unknown>>;
    readonly secretKeys: ReadonlySet<string>;
}

export type ValidationResult = { ok: true; model: Model } | { ok: false; problems: Problem[] };

// Key names that mean "this holds a secret"; such a key in plain structured config is a leak.
const SECRETISH_KEY = /(pass(word|wd|phrase)?|secret|token|private_?key|credential|kubeconfig|api_?key)$/i;
const SECRETISH_VALUE = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\bclient-key-data:|\btoken:\s*\S{16,}/;

function issuesToProblems(section: string, issues: readonly z.core.$ZodIssue[]): Problem[] {
    return describeIssues(issues, "check the spelling against the schema of the component that takes the section").map((i) => ({ path: formatPath(section, i.path), message: i.message }));
}

/** Finds keys and values in plain (unencrypted) structured config that look like secrets. */
export function plaintextSecrets(section: string, value: unknown, path: PropertyKey[] = []): Problem[] {
    const allowed = `allowed: one of the secret keys (${Object.keys(SECRET_KEYS).map((k) => `${NAMESPACE}:${k}`).join(", ")}), set with pulumi config set --secret`;
    if (typeof value === "string") {
        return SECRETISH_VALUE.test(value)
            ? [{ path: formatPath(section, path), message: `holds what looks like a private key or token in plaintext; ${allowed}` }]
            : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => plaintextSecrets(section, v, [...path, i]));
    }
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) =>
            SECRETISH_KEY.test(k) && v !== null && typeof v !== "boolean"
                ? [{ path: formatPath(section, [...path, k]), message: `looks like a secret and stack config is plaintext; ${allowed}` }]
                : plaintextSecrets(section, v, [...path, k]),
        );
    }
    return [];
}

/**
 * Validates the whole configuration at once and returns every problem found, or the typed model.
 * Nothing here touches a resource, so a bad stack fails before anything is registered.
 */
export function validateConfig(raw: RawConfig): ValidationResult {
    const problems: Problem[] = [];
    const known = [...Object.keys(SECTIONS), ...Object.keys(SECRET_KEYS)];
    for (const key of Object.keys(raw.values)) {
        if (!known.includes(key)) {
            problems.push({ path: `${NAMESPACE}:${key}`, message: `is not a known key; allowed: ${known.map((k) => `${NAMESPACE}:${k}`).join(", ")}` });
        }
    }

    // Secrets: only as encrypted top-level keys, and never inside plain structured sections.
    const secrets: Record<string, SecretValue> = {};
    // Given at all (even in plaintext): a plaintext key is one problem, not also a missing one.
    const present = new Set<string>();
    for (const key of Object.keys(SECRET_KEYS)) {
        const v = raw.values[key];
        if (v === undefined) continue;
        present.add(key);
        if (!raw.secretKeys.has(key)) {
            problems.push({ path: `${NAMESPACE}:${key}`, message: `is stored in plaintext in the stack file; allowed: an encrypted value (pulumi config set --secret ${NAMESPACE}:${key})` });
            continue;
        }
        if (typeof v !== "string" || v.trim() === "") {
            problems.push({ path: `${NAMESPACE}:${key}`, message: "must be a non-empty string" });
            continue;
        }
        secrets[key] = new SecretValue(v);
    }

    const parsed: Partial<Record<SectionName, unknown>> = {};
    for (const [name, schema] of Object.entries(SECTIONS) as [SectionName, z.ZodType][]) {
        const value = raw.values[name];
        if (value === undefined && !OPTIONAL_SECTIONS.includes(name)) {
            problems.push({ path: `${NAMESPACE}:${name}`, message: "is required" });
            continue;
        }
        const leaks = raw.secretKeys.has(name) ? [] : plaintextSecrets(name, value);
        problems.push(...leaks);
        const result = schema.safeParse(value, { reportInput: true });
        if (result.success) parsed[name] = result.data;
        // A leaked secret is reported once, as a leak, not again as an unknown key.
        else problems.push(...issuesToProblems(name, result.error.issues).filter((p) => !leaks.some((l) => l.path === p.path)));
    }

    const sections = { ...parsed, secretsPresent: present } as ParsedSections;
    problems.push(...crossFieldProblems(sections));
    if (problems.length > 0) {
        return { ok: false, problems: dedupe(problems) };
    }

    const s = sections as Required<ParsedSections>;
    const roles = s.nodeRoles;
    const model: Model = {
        site: s.site,
        controlPlane: s.controlPlane,
        nodeRoles: resolveNodeRoles(roles),
        charts: s.charts,
        platform: { ...s.platform, storage: { ...s.platform.storage, backend: storageBackend(s.site, s.platform) } },
        openstack: { ...s.openstack, services: s.openstack.services as ServiceName[] },
        tenant: s.tenant,
        workloads: s.workloads,
        secrets: secrets as Secrets,
        nodes: inventory(s.controlPlane) ?? [],
    };
    // Rotation names a credential the stack actually generates; a typo would otherwise rotate nothing.
    const credentials = siteCredentialNames(model);
    const unknownRotations = Object.keys(model.platform.rotation).filter((k) => !credentials.includes(k));
    if (unknownRotations.length > 0) {
        return {
            ok: false,
            problems: unknownRotations.map((k) => ({ path: formatPath("platform", ["rotation", k]), message: `is not a credential of this stack; allowed: ${credentials.join(", ")}` })),
        };
    }
    return { ok: true, model };
}

function dedupe(problems: Problem[]): Problem[] {
    const seen = new Set<string>();
    return problems.filter((p) => {
        const k = `${p.path}\u0000${p.message}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}

/** One readable block: a line per problem. */
export function formatProblems(problems: readonly Problem[]): string {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    return `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}
