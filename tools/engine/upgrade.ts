// Moves a stack's tenant identity from OSK's former hand-written Keystone resources (`pulumi-nodejs:dynamic/
// keystone:*`, up to the release that still had them) onto `@pulumi/openstack`'s identity resources, without
// touching Keystone: the same project, user, role assignments and application credential (its secret included,
// which Keystone never shows again), now held by the OpenStack provider.
//
// A type cannot be aliased across providers, and a plain `up` would create a second project of the same name
// (refused by Keystone) and a new credential. So the move is state work, in four steps:
//   1. a preview of this release on the stack: the identity's two new OpenStack providers (admin, service user) as
//      the program declares them, their inputs known (the stack must be on the osk plugin already: while OSK's own
//      resources still move onto it, the generated passwords those inputs take are unknown in a preview);
//   2. the state exported; the two provider entries added as a create of them would have left them, each former
//      Keystone resource rewritten into its new type, URN, provider and id, with the outputs the provider reads back
//      (the user's password and the credential's secret carried over);
//   3. the state imported;
//   4. a targeted refresh of the moved resources: the provider reads each object from Keystone.
// No targeted `up`: in this engine one whose program no longer registers the former resources' provider sometimes
// wrote a snapshot without it ("refers to unknown provider"), where a state import is checked whole.
// Then `pulumi preview` shows no change for the identity. Pure parts are exported for the unit tier.
import { backendUrl } from "./backend";
import { randomUUID } from "crypto";
import { issueToken, type KeystoneAuth } from "../lib/keystone";
import { pulumiSync, type Workspace } from "./workspace";

/** The former types and their new tokens. */
export const KEYSTONE_MOVES: Readonly<Record<string, string>> = {
    "pulumi-nodejs:dynamic/keystone:Project": "openstack:identity/project:Project",
    "pulumi-nodejs:dynamic/keystone:User": "openstack:identity/user:User",
    "pulumi-nodejs:dynamic/keystone:RoleAssignment": "openstack:identity/roleAssignment:RoleAssignment",
    "pulumi-nodejs:dynamic/keystone:ApplicationCredential": "openstack:identity/applicationCredential:ApplicationCredential",
};

export interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    deletedWith?: string;
    [key: string]: unknown;
}

export interface Deployment {
    resources?: StateResource[];
    pending_operations?: unknown[];
    [key: string]: unknown;
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` with the last type of the chain replaced. */
export function retypeUrn(urn: string, type: string): string {
    const parts = urn.split("::");
    const chain = parts[2].split("$");
    chain[chain.length - 1] = type;
    return [...parts.slice(0, 2), chain.join("$"), ...parts.slice(3)].join("::");
}

/** The URN of a child of `parent` with this type and name. */
export function childUrn(parent: string, type: string, name: string): string {
    const parts = parent.split("::");
    return [parts[0], parts[1], `${parts[2]}$${type}`, name].join("::");
}

const nameOf = (urn: string) => urn.split("::").pop()!;

/** The identity components that hold former Keystone resources, with the URNs of the two providers each needs. */
export function identityProviders(d: Deployment): { identity: string; admin: string; serviceUser: string }[] {
    const parents = new Set((d.resources ?? []).filter((r) => KEYSTONE_MOVES[r.type] && r.parent).map((r) => r.parent!));
    return [...parents].map((identity) => ({
        identity,
        admin: childUrn(identity, "pulumi:providers:openstack", `${nameOf(identity)}-keystone-admin`),
        serviceUser: childUrn(identity, "pulumi:providers:openstack", `${nameOf(identity)}-keystone-service-user`),
    }));
}

/** Orders resources so each comes after its parent, its provider and its dependencies, else keeping their order. */
export function orderResources(resources: StateResource[]): StateResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const placed = new Set<string>();
    const out: StateResource[] = [];
    const visiting = new Set<string>();
    const place = (r: StateResource): void => {
        if (placed.has(r.urn) || visiting.has(r.urn)) return;
        visiting.add(r.urn);
        const needs = [r.parent, r.provider?.split("::").slice(0, -1).join("::"), ...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat(), r.deletedWith];
        for (const urn of needs) if (urn && byUrn.has(urn)) place(byUrn.get(urn)!);
        visiting.delete(r.urn);
        placed.add(r.urn);
        out.push(r);
    };
    resources.forEach(place);
    return out;
}

const PENDING = "the stack has pending operations from an interrupted run: recover it first (pulumi cancel, pulumi refresh), then upgrade";

/** The engine's marker of a value unknown at preview time. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The OpenStack provider's inputs that are credentials: kept as secrets in the entries {@link providerEntries} makes. */
const SECRET_PROVIDER_INPUTS = ["password", "token", "applicationCredentialSecret"];
const asSecret = (v: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(v) });

interface PreviewStep {
    op: string;
    urn: string;
    newState?: StateResource;
}

/**
 * The state entries of the providers `urns` as the create `preview` (a `pulumi preview --json --show-secrets` of the
 * stack) plans for them would have recorded them: inputs as planned (credentials as secrets), outputs the same
 * without the engine's own `__internal`, a fresh id. Refuses a provider the preview does not create, or one whose
 * inputs it does not know yet.
 */
export function providerEntries(preview: { steps?: PreviewStep[] }, urns: readonly string[], known: ReadonlyMap<string, Record<string, string>> = new Map(), newId: () => string = randomUUID): StateResource[] {
    return urns.map((urn) => {
        const planned = (preview.steps ?? []).find((s) => s.urn === urn && s.op === "create")?.newState;
        if (!planned) throw new Error(`the preview plans no new provider ${urn}: is this the release that moves the identity?`);
        const unknown = Object.entries(planned.inputs ?? {}).filter(([, v]) => JSON.stringify(v).includes(UNKNOWN)).map(([k]) => k);
        if (unknown.length > 0) {
            throw new Error(`the preview does not know ${unknown.join(", ")} of ${urn} yet: run \`pulumi up\` with the release that moved OSK's own resources onto the osk plugin first (docs/provider.md), then upgrade again`);
        }
        // The engine masks a secret input in the preview's JSON as "[secret]": its value comes from `known`.
        const value = (k: string, v: unknown) => {
            if (v !== "[secret]") return plain(v);
            const held = known.get(urn)?.[k];
            if (held === undefined) throw new Error(`the preview hides ${k} of ${urn} and the former Keystone resources do not hold it`);
            return held;
        };
        const inputs = Object.fromEntries(Object.entries(planned.inputs ?? {}).map(([k, v]) => [k, SECRET_PROVIDER_INPUTS.includes(k) ? asSecret(value(k, v)) : value(k, v)]));
        const { __internal: _internal, ...outputs } = inputs;
        return {
            urn,
            custom: true,
            id: newId(),
            type: planned.type,
            inputs,
            outputs,
            ...(planned.parent ? { parent: planned.parent } : {}),
            ...(planned.dependencies ? { dependencies: planned.dependencies } : {}),
            ...(planned.propertyDependencies ? { propertyDependencies: planned.propertyDependencies } : {}),
            ...(planned.additionalSecretOutputs ? { additionalSecretOutputs: planned.additionalSecretOutputs } : {}),
        };
    });
}

/** A value as `stack export --show-secrets` writes it, a secret's plaintext unwrapped. */
function plain(v: unknown): unknown {
    if (v && typeof v === "object" && "plaintext" in v) return JSON.parse(String((v as { plaintext: string }).plaintext));
    return v;
}

/**
 * The credentials the former Keystone resources were made with, per provider URN: the admin's password (each former
 * resource held the admin connection it was made with) and the service user's (the user's password). The new
 * providers sign in with exactly these, and the preview masks them.
 */
export function formerCredentials(d: Deployment): Map<string, Record<string, string>> {
    const known = new Map<string, Record<string, string>>();
    for (const { identity, admin, serviceUser } of identityProviders(d)) {
        const former = (kind: string) => (d.resources ?? []).find((r) => r.parent === identity && r.type === `pulumi-nodejs:dynamic/keystone:${kind}`);
        const adminPassword = plain(former("Project")?.inputs?.password ?? former("Project")?.outputs?.password);
        const user = former("User");
        const userPassword = plain(((user?.outputs?.spec ?? user?.inputs?.spec) as Record<string, unknown> | undefined)?.password);
        if (typeof adminPassword === "string") known.set(admin, { password: adminPassword });
        if (typeof userPassword === "string") known.set(serviceUser, { password: userPassword });
    }
    return known;
}

/** The Keystone sign-in an OpenStack provider entry makes, for a check before the state changes. */
export function providerAuth(entry: StateResource): KeystoneAuth {
    const i = entry.inputs ?? {};
    return {
        authUrl: String(i.authUrl),
        username: String(i.userName),
        password: String(plain(i.password)),
        projectName: String(i.tenantName),
        userDomain: String(i.userDomainName ?? "Default"),
        projectDomain: String(i.projectDomainName ?? "Default"),
    };
}

/** What the OpenStack provider holds for the object a former Keystone resource made: id, URN and outputs. */
function moved(r: StateResource, provider: string): StateResource {
    const spec = (r.outputs?.spec ?? r.inputs?.spec ?? {}) as Record<string, unknown>;
    const objectId = String(r.outputs?.objectId ?? r.id ?? "");
    const type = KEYSTONE_MOVES[r.type];
    let id = objectId;
    let outputs: Record<string, unknown>;
    switch (type) {
        case "openstack:identity/project:Project":
            outputs = { name: spec.name, description: spec.description ?? "", enabled: true };
            break;
        case "openstack:identity/user:User":
            outputs = { name: spec.name, password: spec.password, defaultProjectId: spec.defaultProjectId, enabled: true };
            break;
        case "openstack:identity/roleAssignment:RoleAssignment": {
            // Keystone gives an assignment no id; the former one was project/user/role, the provider's is
            // domain/project/group/user/role.
            const [projectId, userId, roleId] = objectId.split("/");
            id = `/${projectId}//${userId}/${roleId}`;
            outputs = { projectId, userId, roleId };
            break;
        }
        default:
            outputs = { name: spec.name, description: "OSK: cloud controller and CSI drivers", roles: spec.roles, unrestricted: false, secret: r.outputs?.secret };
    }
    // The former outputs (connection, spec, stored code) go: the provider keeps what it reads, and nothing else.
    return { ...r, type, urn: retypeUrn(r.urn, type), id, provider, inputs: { ...outputs }, outputs: { ...outputs, id } };
}

/**
 * The deployment with every former Keystone resource moved onto the OpenStack provider entries `providers` names
 * (as `urn::id` references), and every reference to a moved URN rewritten. Refuses a deployment with pending
 * operations (a run that died: recover it first) or without the providers step 1 makes.
 */
export function moveKeystoneResources(d: Deployment): { deployment: Deployment; moved: string[] } {
    if ((d.pending_operations ?? []).length > 0) throw new Error(PENDING);
    const resources = d.resources ?? [];
    const refOf = (urn: string) => {
        const p = resources.find((r) => r.urn === urn);
        if (!p?.id) throw new Error(`the provider ${urn} is not in the state: add its entry first (providerEntries)`);
        return `${urn}::${p.id}`;
    };
    const renames = new Map<string, string>();
    const next: StateResource[] = [];
    for (const r of resources) {
        if (!KEYSTONE_MOVES[r.type]) {
            next.push(r);
            continue;
        }
        const providers = identityProviders({ resources: [r] })[0];
        const provider = refOf(r.type.endsWith(":ApplicationCredential") ? providers.serviceUser : providers.admin);
        const m = moved(r, provider);
        renames.set(r.urn, m.urn);
        next.push(m);
    }
    const rename = (urn: string | undefined) => (urn ? (renames.get(urn) ?? urn) : urn);
    const rewritten = next.map((r) => ({
        ...r,
        ...(r.parent ? { parent: rename(r.parent) } : {}),
        ...(r.dependencies ? { dependencies: r.dependencies.map((u) => rename(u)!) } : {}),
        ...(r.propertyDependencies ? { propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((u) => rename(u)!)])) } : {}),
        ...(r.deletedWith ? { deletedWith: rename(r.deletedWith) } : {}),
    }));
    return { deployment: { ...d, resources: orderResources(rewritten) }, moved: [...renames.values()] };
}

export interface UpgradeStep {
    step: string;
    code: number;
    output: string;
}

/** Runs the four steps on a stack; does nothing (and says so) when no former Keystone resource is left. */
export async function upgradeKeystone(ws: Workspace, previewArgs: string[] = []): Promise<UpgradeStep[]> {
    const steps: UpgradeStep[] = [];
    // `quiet`: the step's own output is never repeated in an error (the preview's holds the providers' passwords).
    const run = (step: string, args: string[], input?: string, quiet = false) => {
        const out = pulumiSync(ws, [...args, "--stack", ws.stack], input);
        steps.push({ step, code: out.code, output: quiet ? out.stderr : out.stdout + out.stderr });
        if (out.code !== 0) {
            const text = quiet ? out.stderr : out.stdout + out.stderr;
            const errors = text.split("\n").filter((l) => /error/i.test(l) && !/^\s+at /.test(l)).slice(0, 20).join("\n");
            throw new Error(`upgrade step "${step}" failed:\n${errors}\n...\n${text.slice(-1500)}`);
        }
        return out.stdout;
    };
    const before = JSON.parse(run("export", ["stack", "export", "--show-secrets"], undefined, true)) as { deployment: Deployment };
    const identities = identityProviders(before.deployment);
    if (identities.length === 0) {
        steps.push({ step: "no former Keystone resources: nothing to move", code: 0, output: "" });
        return steps;
    }
    const stillDynamic = (before.deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/") && !KEYSTONE_MOVES[r.type]);
    if (stillDynamic.length > 0) {
        throw new Error(
            `${stillDynamic.length} of OSK's own resources are still dynamic (e.g. ${stillDynamic[0].urn}): run \`pulumi up\` with the release that ` +
                "moved them onto the osk plugin first (docs/provider.md), then upgrade again",
        );
    }
    if ((before.deployment.pending_operations ?? []).length > 0) throw new Error(PENDING);
    const held = new Set((before.deployment.resources ?? []).map((r) => r.urn));
    const missing = identities.flatMap((i) => [i.admin, i.serviceUser]).filter((u) => !held.has(u));
    const plan = JSON.parse(run("preview: the identity's two OpenStack providers as this release declares them", ["preview", "--json", "--show-secrets", "--non-interactive", ...previewArgs], undefined, true)) as { steps?: PreviewStep[] };
    const entries = providerEntries(plan, missing, formerCredentials(before.deployment));
    // Each provider signs in now, or the state stays as it is: a refresh would fail on it after the import.
    for (const e of entries) {
        try {
            await issueToken(providerAuth(e));
        } catch (err) {
            throw new Error(`the provider ${e.urn} cannot sign in to Keystone with the credentials the program and the former resources give it: ${(err as Error).message}`);
        }
    }
    steps.push({ step: `sign-in: ${entries.length} providers authenticate`, code: 0, output: "" });
    // The providers go in after everything there; orderResources places each before what it serves.
    const { deployment, moved: urns } = moveKeystoneResources({ ...before.deployment, resources: [...(before.deployment.resources ?? []), ...entries] });
    run(`import: ${entries.length} providers added, ${urns.length} resources moved onto the OpenStack provider`, ["stack", "import"], JSON.stringify({ ...before, deployment }), true);
    run("refresh: the moved resources read back from Keystone", ["refresh", "--yes", "--skip-preview", "--non-interactive", ...urns.flatMap((u) => ["--target", u])]);
    return steps;
}

// ./osk upgrade STACK: the move on a site's stack, in this checkout, with the backend OSK_BACKEND names (else the
// operator's own Pulumi login) and the stack's secrets provider (tools/engine/backend.ts).
if (require.main === module) {
    const stack = process.argv[2];
    if (!stack || stack.startsWith("-")) {
        console.error("usage: ./osk upgrade STACK   (moves the tenant identity onto the OpenStack provider; docs/provider.md)");
        process.exit(2);
    }
    const env = process.env.OSK_BACKEND ? { ...process.env, PULUMI_BACKEND_URL: backendUrl() } : process.env;
    const ws: Workspace = { dir: process.cwd(), stack, env, dispose: () => undefined };
    upgradeKeystone(ws).then(
        (steps) => {
            for (const s of steps) console.log(`${s.code === 0 ? "done" : "FAILED"}: ${s.step}`);
            console.log(`next: pulumi preview --stack ${stack} (the identity shows no change), then pulumi up`);
        },
        (e: Error) => {
            console.error(e.message);
            process.exitCode = 1;
        },
    );
}
