// A small Keystone v3 client: the recovery after a killed run asks Keystone what the run made, and the lab and its
// tests ask it what OSK made, as an operator would. The stack itself never uses it (the tenant identity is made
// through the OpenStack provider).

/** Admin credentials for a Keystone. */
export interface KeystoneAuth {
    authUrl: string;
    username: string;
    password: string;
    projectName: string;
    /** @default "Default" */
    userDomain?: string;
    /** @default "Default" */
    projectDomain?: string;
}

export class KeystoneError extends Error {
    constructor(
        message: string,
        readonly status: number,
    ) {
        super(message);
    }
}

/** The password-auth request body scoped to a project (also what an application credential owner uses). */
export function passwordAuthBody(a: KeystoneAuth): unknown {
    return {
        auth: {
            identity: { methods: ["password"], password: { user: { name: a.username, domain: { name: a.userDomain ?? "Default" }, password: a.password } } },
            scope: { project: { name: a.projectName, domain: { name: a.projectDomain ?? "Default" } } },
        },
    };
}

function base(authUrl: string): string {
    return authUrl.replace(/\/+$/, "").replace(/\/v3$/, "") + "/v3";
}

/** Issues a token; returns it with the user's id. */
export async function issueToken(a: KeystoneAuth): Promise<{ token: string; userId: string }> {
    const res = await fetch(`${base(a.authUrl)}/auth/tokens`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Connection: "close" },
        body: JSON.stringify(passwordAuthBody(a)),
    });
    if (res.status !== 201) throw new KeystoneError(`Keystone refused the credentials of ${a.username} (HTTP ${res.status})`, res.status);
    const body = (await res.json()) as { token: { user: { id: string } } };
    return { token: res.headers.get("x-subject-token") ?? "", userId: body.token.user.id };
}

/** One authenticated call. 404 on GET/DELETE comes back as `undefined` rather than an error. */
export async function call<T>(authUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T | undefined> {
    const res = await fetch(`${base(authUrl)}${path}`, {
        method,
        headers: { "X-Auth-Token": token, "Content-Type": "application/json", Connection: "close" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 404 && (method === "GET" || method === "DELETE")) return undefined;
    if (res.status >= 400) {
        // Keystone's error bodies never echo secrets; they name the failed rule or object.
        const text = await res.text();
        throw new KeystoneError(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
    }
    return res.status === 204 ? undefined : ((await res.json()) as T);
}

/** The id of a domain given by name or id ("Default" -> "default"). */
export async function domainId(authUrl: string, token: string, domain: string): Promise<string> {
    const byId = await call<{ domain: { id: string } }>(authUrl, token, "GET", `/domains/${encodeURIComponent(domain)}`);
    if (byId) return byId.domain.id;
    const list = await call<{ domains: { id: string }[] }>(authUrl, token, "GET", `/domains?name=${encodeURIComponent(domain)}`);
    const found = list?.domains[0];
    if (!found) throw new KeystoneError(`domain "${domain}" does not exist`, 404);
    return found.id;
}

export async function roleId(authUrl: string, token: string, role: string): Promise<string> {
    const list = await call<{ roles: { id: string }[] }>(authUrl, token, "GET", `/roles?name=${encodeURIComponent(role)}`);
    const found = list?.roles[0];
    if (!found) throw new KeystoneError(`role "${role}" does not exist`, 404);
    return found.id;
}

/** Makes a user in the default domain with `role` on `projectId` (its default project); returns the user's id. */
export async function createUserWithRole(authUrl: string, token: string, u: { name: string; password: string; projectId: string; role: string }): Promise<string> {
    const id = (await call<{ user: { id: string } }>(authUrl, token, "POST", "/users", { user: { name: u.name, password: u.password, domain_id: "default", default_project_id: u.projectId } }))!.user.id;
    await call(authUrl, token, "PUT", `/projects/${u.projectId}/users/${id}/roles/${await roleId(authUrl, token, u.role)}`);
    return id;
}
