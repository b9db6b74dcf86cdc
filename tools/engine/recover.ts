// Recovery after a `pulumi up` died mid-run (SIGKILL, OOM, a lost machine): what a rerun needs to converge.
// A dead run leaves its lock and "pending creates": operations that started but were never recorded. Most of
// OSK's resources can simply be created again (server-side apply upserts; remote steps are guarded; a generated
// secret that was never recorded was never handed out). Keystone refuses a second project or user of one name:
// those are adopted by the id Keystone has for the name ({@link keystoneAdoptions}). A Helm release
// cannot: Helm refuses to install a name twice, so a release the state does not hold is uninstalled (it is seconds
// old) and installed again. Nor can an OpenStack instance, port or load balancer (a second one is an orphan, or a
// refused duplicate address): those pending creates are adopted into the state by the id found by name or
// properties, and the refresh reads back whatever the dead run got to.
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "fs";
import { join } from "path";
import { call, domainId, issueToken, type KeystoneAuth } from "../lib/keystone";
import { pulumiSync, type Workspace } from "./workspace";

const RELEASE = "kubernetes:helm.sh/v3:Release";

export interface PendingCreate {
    urn: string;
    type: string;
    parent?: string;
    inputs: Record<string, unknown>;
}

/** Pending creates recorded in an exported deployment. */
export function pendingCreates(exported: string): PendingCreate[] {
    const doc = JSON.parse(exported) as { deployment: { pending_operations?: { type: string; resource: PendingCreate }[] } };
    return (doc.deployment.pending_operations ?? []).filter((op) => op.type === "creating").map((op) => op.resource);
}

function parses(file: string): boolean {
    try {
        JSON.parse(readFileSync(file, "utf8"));
        return true;
    } catch {
        return false;
    }
}

function walk(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * What a SIGKILL can leave of the file backend's checkpoint. The content is written to a temporary file and renamed,
 * but its attributes sidecar (`<stack>.json.attrs`: content type and checksum) is truncated and rewritten in place:
 * killed in between, it is empty and every later load fails with "EOF". The sidecar is optional (a missing one
 * reads as defaults), so a damaged one is removed. A checkpoint whose content does not parse is restored from the
 * newest copy that does (the `.bak` the backend keeps, then its backups). Returns what it did.
 */
export function repairCheckpoint(backendDir: string, stack: string): string {
    const current = walk(join(backendDir, ".pulumi", "stacks")).find((f) => f.endsWith(`/${stack}.json`));
    if (!current) return "checkpoint intact";
    const attrs = `${current}.attrs`;
    const attrsDamaged = existsSync(attrs) && !parses(attrs);
    if (attrsDamaged) rmSync(attrs);
    if (parses(current)) return attrsDamaged ? `checkpoint attributes were truncated; removed ${attrs}` : "checkpoint intact";
    const backups = walk(join(backendDir, ".pulumi", "backups"))
        .filter((f) => new RegExp(`/${stack}\\.\\d+\\.json$`).test(f))
        .sort()
        .reverse();
    const candidate = [`${current}.bak`, ...backups].find((f) => existsSync(f) && parses(f));
    if (!candidate) throw new Error(`the checkpoint ${current} is damaged and no backup parses`);
    copyFileSync(candidate, current);
    return `checkpoint was truncated; restored from ${candidate}`;
}

/** The directory of a file backend; an object store writes whole objects, so it has no sidecar to repair. */
function fileBackendDir(ws: Workspace): string | undefined {
    const url = String(ws.env.PULUMI_BACKEND_URL ?? "");
    return url.startsWith("file://") ? url.slice("file://".length) : undefined;
}

/** Helm releases the state knows, as `<namespace>/<name>`. */
export function recordedReleases(exported: string): Set<string> {
    const doc = JSON.parse(exported) as { deployment: { resources?: { type: string; inputs?: Record<string, unknown> }[] } };
    return new Set(
        (doc.deployment.resources ?? [])
            .filter((r) => r.type === RELEASE && typeof r.inputs?.name === "string")
            .map((r) => `${String(r.inputs!.namespace ?? "default")}/${String(r.inputs!.name)}`),
    );
}

/** Access to the cluster's Helm releases, for releases a dead run installed before its state was written. */
export interface HelmAccess {
    /** Namespaces OSK deploys into; releases elsewhere are never touched. */
    namespaces: readonly string[];
    list(): { name: string; namespace: string }[];
    uninstall(name: string, namespace: string): void;
}

export interface RecoveryStep {
    step: string;
    code: number;
    output: string;
}

/** Repairs the checkpoint and cancels the dead run's lock; returns the state as exported then. */
function unlock(ws: Workspace, steps: RecoveryStep[]): string {
    const backend = fileBackendDir(ws);
    if (backend) steps.push({ step: repairCheckpoint(backend, ws.stack), code: 0, output: "" });
    const cancel = pulumiSync(ws, ["cancel", "--yes", "--stack", ws.stack]);
    steps.push({ step: "cancel", code: cancel.code, output: cancel.stdout + cancel.stderr });
    // Without --show-secrets: secret inputs stay encrypted and go back in as they are.
    return pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout;
}

/** Adopts the `found` pending creates (URN -> adoption) into the state, clears the others, and refreshes. */
function settle(ws: Workspace, steps: RecoveryStep[], exported: string, found: ReadonlyMap<string, Adoption>): void {
    const pending = pendingCreates(exported);
    const name = (urn: string) => urn.split("::").pop();
    if (found.size > 0) {
        // `stack import` also drops every pending operation left: the creates nothing was found for.
        const imported = pulumiSync(ws, ["stack", "import", "--stack", ws.stack], adoptPendingCreates(exported, found));
        steps.push({ step: `adopted: ${[...found.entries()].map(([urn, a]) => `${name(urn)}=${a.id}`).join(", ")}`, code: imported.code, output: imported.stdout + imported.stderr });
        if (imported.code !== 0) return;
    }
    const refresh = pulumiSync(ws, ["refresh", "--yes", "--non-interactive", ...(found.size < pending.length ? ["--clear-pending-creates"] : []), "--stack", ws.stack]);
    steps.push({ step: `refresh (${pending.length} pending: ${found.size} adopted, ${pending.length - found.size} cleared)`, code: refresh.code, output: refresh.stdout + refresh.stderr });
}

/**
 * cancel (the dead run's lock), then clear its pending creates (adopting those in `keystone`) and refresh. With `helm`, also removes releases in
 * OSK's namespaces that Helm has and the state has not recorded (a pending one included): a SIGKILL can land after Helm installed and before the engine wrote even the pending operation, and Helm
 * refuses the name again. Such a release is seconds old and was never handed to anything. The caller then runs up.
 */
export function recover(ws: Workspace, helm?: HelmAccess, keystone: ReadonlyMap<string, Adoption> = new Map()): RecoveryStep[] {
    const steps: RecoveryStep[] = [];
    const exported = unlock(ws, steps);
    // Pending releases are cleared, not adopted: one the dead run cut off mid-install stays "pending-install" in
    // Helm, and adopted, the next up hung on it; cleared, the removal below uninstalls it and the up installs it anew.
    // Keystone objects found by `keystoneAdoptions` are adopted.
    settle(ws, steps, exported, keystone);
    if (helm) {
        const known = recordedReleases(pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout);
        const orphans = helm.list().filter((r) => helm.namespaces.includes(r.namespace) && !known.has(`${r.namespace}/${r.name}`));
        for (const r of orphans) helm.uninstall(r.name, r.namespace);
        steps.push({ step: `unrecorded releases removed: ${orphans.map((r) => `${r.namespace}/${r.name}`).join(", ") || "none"}`, code: 0, output: "" });
    }
    return steps;
}

/** A pending create found in the cloud: the id its provider records, and its outputs when they differ from its inputs. */
export interface Adoption {
    id: string;
    /**
     * What the provider's state holds where it differs from the inputs, merged over them (e.g. a bridged
     * provider's hash of a write-only argument the API never returns). Default: the inputs as they are.
     */
    outputs?: Record<string, unknown>;
}

/**
 * The exported deployment with each pending create in `found` (URN -> its adoption) turned into a recorded
 * resource: its URN, type, parent, provider, dependencies and the inputs the dead run sent, the found id, and those
 * inputs (with the adoption's outputs over them) as its outputs until a refresh reads the object back. This is the
 * state the create would have left had it finished, so the next `up` diffs the program against the real object
 * instead of creating a second one.
 *
 * Why not `pulumi refresh --import-pending-creates`: in the engine we pin (3.184) that flag only retypes the pending
 * operation to "importing", and the refresh then drops it (only pending creates are carried over), so the resource
 * never reaches the state and the next `up` creates it again. Why the inputs as outputs: a provider reading a
 * resource with no outputs takes the import path, which cannot recover write-only arguments (an instance's user
 * data); the bridged providers then plan a replacement. Seeded with the inputs, the read is a refresh: it updates
 * what the API reports and keeps what it cannot, as after a finished create. Throws when a URN is not pending.
 */
export function adoptPendingCreates(exported: string, found: ReadonlyMap<string, Adoption>): string {
    const doc = JSON.parse(exported) as { deployment: { resources?: Record<string, unknown>[]; pending_operations?: { type: string; resource: Record<string, unknown> }[] } };
    const ops = doc.deployment.pending_operations ?? [];
    const missing = [...found.keys()].filter((urn) => !ops.some((op) => op.type === "creating" && op.resource.urn === urn));
    if (missing.length > 0) throw new Error(`not a pending create in the state: ${missing.join(", ")}`);
    const adopted = ops.filter((op) => op.type === "creating" && found.has(String(op.resource.urn)));
    doc.deployment.pending_operations = ops.filter((op) => !adopted.includes(op));
    // Appended after everything: a pending create's parent and dependencies were recorded before it started, and
    // nothing can depend on it yet.
    doc.deployment.resources = [
        ...(doc.deployment.resources ?? []),
        ...adopted.map((op) => {
            const a = found.get(String(op.resource.urn))!;
            return { ...op.resource, id: a.id, outputs: { ...((op.resource.inputs as Record<string, unknown> | undefined) ?? {}), ...(a.outputs ?? {}) } };
        }),
    ];
    return JSON.stringify(doc);
}

/**
 * Like {@link recover} for clouds whose objects a rerun cannot simply create again (an OpenStack instance or port
 * created twice is an orphan, or a refused duplicate address): each pending create that `find` finds in the cloud
 * (by the name or the properties the dead run gave it) is adopted into the state with that id
 * ({@link adoptPendingCreates}), the others are cleared, and a refresh reads the adopted objects back.
 */
export async function recoverAdopting(ws: Workspace, find: (p: PendingCreate) => Promise<Adoption | undefined>, settleMs = 5000): Promise<RecoveryStep[]> {
    const steps: RecoveryStep[] = [];
    const exported = unlock(ws, steps);
    const lookup = async () => {
        const found = new Map<string, Adoption>();
        for (const p of pendingCreates(exported)) {
            const a = await find(p);
            if (a) found.set(p.urn, a);
        }
        return found;
    };
    // A create the dead run sent may still be under way at the API (Nova records the server when it has handled the
    // request, after the client is gone): look again until two lookups a few seconds apart agree, so that nothing it
    // started appears after the adoption as an orphan (a lab run lost a master to that: the orphan held its host).
    const key = (m: Map<string, Adoption>) => JSON.stringify([...m].map(([urn, a]) => [urn, a.id]).sort());
    let found = await lookup();
    for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, settleMs));
        const again = await lookup();
        if (key(again) === key(found)) break;
        found = again;
    }
    steps.push({ step: `looked up ${pendingCreates(exported).length} pending creates until two lookups ${settleMs / 1000} s apart agreed`, code: 0, output: "" });
    settle(ws, steps, exported, found);
    return steps;
}

const IDENTITY = "openstack:identity/";

/**
 * What a dead run made in Keystone before its state was written, for {@link recover}: the pending project and
 * users found by name (URN -> adoption; a second create would be refused), the pending role assignments that
 * exist (adopted with the provider's id, `<domain>/<project>/<group>/<user>/<role>`). An application credential
 * cannot be adopted: Keystone shows its secret only once. One made by the dead run is deleted, so the rerun makes
 * it again (with a secret the state then keeps). `auth` is the admin the stack's identity is made with.
 */
export async function keystoneAdoptions(ws: Workspace, auth: KeystoneAuth): Promise<Map<string, Adoption>> {
    const backend = fileBackendDir(ws);
    if (backend) repairCheckpoint(backend, ws.stack);
    const exported = pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout;
    const pending = pendingCreates(exported).filter((p) => p.type.startsWith(IDENTITY));
    const found = new Map<string, Adoption>();
    if (pending.length === 0) return found;
    const { token } = await issueToken(auth);
    const get = <T>(path: string) => call<T>(auth.authUrl, token, "GET", path);
    const q = encodeURIComponent;
    // The tenant's project and user are made in the admin project's domain.
    const domain = await domainId(auth.authUrl, token, auth.projectDomain ?? "Default");
    const recorded = (JSON.parse(exported) as { deployment: { resources?: { type: string; id?: string; parent?: string }[] } }).deployment.resources ?? [];
    const userOf = (parent?: string) =>
        recorded.find((r) => r.type === `${IDENTITY}user:User` && r.parent === parent)?.id ?? found.get(pending.find((p) => p.type === `${IDENTITY}user:User` && p.parent === parent)?.urn ?? "")?.id;
    // Projects and users first: a pending credential's owner may be a pending user.
    const order = (p: PendingCreate) => (/:(Project|User)$/.test(p.type) ? 0 : 1);
    for (const p of [...pending].sort((a, b) => order(a) - order(b))) {
        const kind = p.type.split(":").pop();
        if (kind === "Project" || kind === "User") {
            const plural = kind === "Project" ? "projects" : "users";
            const list = await get<Record<string, { id: string }[]>>(`/${plural}?name=${q(String(p.inputs.name))}&domain_id=${q(domain)}`);
            const id = list?.[plural]?.[0]?.id;
            if (id) found.set(p.urn, { id });
        } else if (kind === "RoleAssignment") {
            const { projectId, userId, roleId } = p.inputs as Record<string, string>;
            const list = await get<{ role_assignments: unknown[] }>(`/role_assignments?scope.project.id=${q(projectId)}&user.id=${q(userId)}&role.id=${q(roleId)}`);
            if ((list?.role_assignments.length ?? 0) > 0) found.set(p.urn, { id: `/${projectId}//${userId}/${roleId}` });
        } else if (kind === "ApplicationCredential") {
            const user = userOf(p.parent);
            if (!user) continue;
            const list = await get<{ application_credentials: { id: string }[] }>(`/users/${q(user)}/application_credentials?name=${q(String(p.inputs.name))}`);
            for (const c of list?.application_credentials ?? []) await call(auth.authUrl, token, "DELETE", `/users/${q(user)}/application_credentials/${q(c.id)}`);
        }
    }
    return found;
}
