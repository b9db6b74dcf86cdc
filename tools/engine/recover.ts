// Recovery after a `pulumi up` died mid-run (SIGKILL, OOM, a lost machine): what a rerun needs to converge.
// A dead run leaves its lock and "pending creates": operations that started but were never recorded. Most of
// OSK's resources can simply be created again (server-side apply upserts; remote steps are guarded; a generated
// secret that was never recorded was never handed out). A Helm release cannot: Helm refuses to install a name
// twice. So pending releases are imported by their id (`<namespace>/<name>`), and the refresh reads back whatever
// Helm got to. Keystone refuses a second project or user of one name the same way: those are imported by the id
// Keystone has for the name ({@link keystoneImports}).
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

/**
 * The refresh arguments that import pending Helm releases, and the pending creates `found` gives an id for (URN ->
 * id), and clear every other pending create.
 */
export function recoveryRefreshArgs(pending: readonly PendingCreate[], found: ReadonlyMap<string, string> = new Map()): string[] {
    const ids = new Map(found);
    for (const p of pending) if (p.type === RELEASE && typeof p.inputs.name === "string") ids.set(p.urn, `${String(p.inputs.namespace ?? "default")}/${String(p.inputs.name)}`);
    const imports = pending.filter((p) => ids.has(p.urn)).flatMap((p) => ["--import-pending-creates", p.urn, "--import-pending-creates", ids.get(p.urn)!]);
    return ["refresh", "--yes", "--non-interactive", ...imports, ...(pending.some((p) => !ids.has(p.urn)) ? ["--clear-pending-creates"] : [])];
}

const IDENTITY = "openstack:identity/";

/**
 * What a dead run made in Keystone before its state was written, for {@link recover}: the pending project and
 * users found by name (URN -> id, to import; a second create would be refused), the pending role assignments that
 * exist (imported by the provider's id, `<domain>/<project>/<group>/<user>/<role>`). An application credential
 * cannot be imported: Keystone shows its secret only once. One made by the dead run is deleted, so the rerun makes
 * it again (with a secret the state then keeps). `auth` is the admin the stack's identity is made with.
 */
export async function keystoneImports(ws: Workspace, auth: KeystoneAuth): Promise<Map<string, string>> {
    const backend = String(ws.env.PULUMI_BACKEND_URL ?? "").replace(/^file:\/\//, "");
    if (backend) repairCheckpoint(backend, ws.stack);
    const exported = pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout;
    const pending = pendingCreates(exported).filter((p) => p.type.startsWith(IDENTITY));
    const found = new Map<string, string>();
    if (pending.length === 0) return found;
    const { token } = await issueToken(auth);
    const get = <T>(path: string) => call<T>(auth.authUrl, token, "GET", path);
    const q = encodeURIComponent;
    // The tenant's project and user are made in the admin project's domain.
    const domain = await domainId(auth.authUrl, token, auth.projectDomain ?? "Default");
    const recorded = (JSON.parse(exported) as { deployment: { resources?: { type: string; id?: string; parent?: string }[] } }).deployment.resources ?? [];
    const userOf = (parent?: string) =>
        recorded.find((r) => r.type === `${IDENTITY}user:User` && r.parent === parent)?.id ?? found.get(pending.find((p) => p.type === `${IDENTITY}user:User` && p.parent === parent)?.urn ?? "");
    // Projects and users first: a pending credential's owner may be a pending user.
    const order = (p: PendingCreate) => (/:(Project|User)$/.test(p.type) ? 0 : 1);
    for (const p of [...pending].sort((a, b) => order(a) - order(b))) {
        const kind = p.type.split(":").pop();
        if (kind === "Project" || kind === "User") {
            const plural = kind === "Project" ? "projects" : "users";
            const list = await get<Record<string, { id: string }[]>>(`/${plural}?name=${q(String(p.inputs.name))}&domain_id=${q(domain)}`);
            const id = list?.[plural]?.[0]?.id;
            if (id) found.set(p.urn, id);
        } else if (kind === "RoleAssignment") {
            const { projectId, userId, roleId } = p.inputs as Record<string, string>;
            const list = await get<{ role_assignments: unknown[] }>(`/role_assignments?scope.project.id=${q(projectId)}&user.id=${q(userId)}&role.id=${q(roleId)}`);
            if ((list?.role_assignments.length ?? 0) > 0) found.set(p.urn, `/${projectId}//${userId}/${roleId}`);
        } else if (kind === "ApplicationCredential") {
            const user = userOf(p.parent);
            if (!user) continue;
            const list = await get<{ application_credentials: { id: string }[] }>(`/users/${q(user)}/application_credentials?name=${q(String(p.inputs.name))}`);
            for (const c of list?.application_credentials ?? []) await call(auth.authUrl, token, "DELETE", `/users/${q(user)}/application_credentials/${q(c.id)}`);
        }
    }
    return found;
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

/**
 * cancel (the dead run's lock), then refresh importing or clearing its pending creates. With `helm`, also removes
 * releases in OSK's namespaces that Helm has and the state has neither recorded nor imported: a SIGKILL can land
 * after Helm installed and before the engine wrote even the pending operation, and Helm refuses the name again.
 * Such a release is seconds old and was never handed to anything. The caller then runs up.
 */
export function recover(ws: Workspace, helm?: HelmAccess, found: ReadonlyMap<string, string> = new Map()): RecoveryStep[] {
    const steps: RecoveryStep[] = [];
    const backend = String(ws.env.PULUMI_BACKEND_URL ?? "").replace(/^file:\/\//, "");
    if (backend) steps.push({ step: repairCheckpoint(backend, ws.stack), code: 0, output: "" });
    const cancel = pulumiSync(ws, ["cancel", "--yes", "--stack", ws.stack]);
    steps.push({ step: "cancel", code: cancel.code, output: cancel.stdout + cancel.stderr });
    const exported = pulumiSync(ws, ["stack", "export", "--stack", ws.stack]);
    const pending = pendingCreates(exported.stdout);
    const refresh = pulumiSync(ws, [...recoveryRefreshArgs(pending, found), "--stack", ws.stack]);
    steps.push({ step: `refresh (${pending.length} pending: ${pending.map((p) => p.urn.split("::").pop()).join(", ")})`, code: refresh.code, output: refresh.stdout + refresh.stderr });
    if (helm) {
        const known = recordedReleases(pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout);
        const orphans = helm.list().filter((r) => helm.namespaces.includes(r.namespace) && !known.has(`${r.namespace}/${r.name}`));
        for (const r of orphans) helm.uninstall(r.name, r.namespace);
        steps.push({ step: `unrecorded releases removed: ${orphans.map((r) => `${r.namespace}/${r.name}`).join(", ") || "none"}`, code: 0, output: "" });
    }
    return steps;
}

/**
 * Like {@link recover} for clouds whose objects a rerun cannot simply create again (an OpenStack instance or port
 * created twice is an orphan, or a refused duplicate address): each pending create that `findId` finds in the cloud
 * (by the name or the properties the dead run gave it) is imported with that id, the others are cleared.
 */
export async function recoverImporting(ws: Workspace, findId: (p: PendingCreate) => Promise<string | undefined>): Promise<RecoveryStep[]> {
    const steps: RecoveryStep[] = [];
    const backend = String(ws.env.PULUMI_BACKEND_URL ?? "").replace(/^file:\/\//, "");
    if (backend) steps.push({ step: repairCheckpoint(backend, ws.stack), code: 0, output: "" });
    const cancel = pulumiSync(ws, ["cancel", "--yes", "--stack", ws.stack]);
    steps.push({ step: "cancel", code: cancel.code, output: cancel.stdout + cancel.stderr });
    const pending = pendingCreates(pulumiSync(ws, ["stack", "export", "--stack", ws.stack]).stdout);
    const found: [PendingCreate, string][] = [];
    for (const p of pending) {
        const id = await findId(p);
        if (id) found.push([p, id]);
    }
    const imports = found.flatMap(([p, id]) => ["--import-pending-creates", p.urn, "--import-pending-creates", id]);
    const args = ["refresh", "--yes", "--non-interactive", ...imports, ...(found.length < pending.length ? ["--clear-pending-creates"] : []), "--stack", ws.stack];
    const refresh = pulumiSync(ws, args);
    const name = (p: PendingCreate) => p.urn.split("::").pop();
    steps.push({ step: `refresh (${pending.length} pending; imported: ${found.map(([p]) => name(p)).join(", ") || "none"})`, code: refresh.code, output: refresh.stdout + refresh.stderr });
    return steps;
}
