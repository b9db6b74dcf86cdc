// (Helpers are not named like the provider's methods: the serialized provider would resolve them to itself.)
// Keystone objects as resources: project, user, role assignment, application credential. Created through
// Keystone's own API with admin credentials; a create that finds its object already there (a run killed after
// Keystone answered, before state was written) adopts it, so a rerun converges instead of failing on a duplicate.
import * as pulumi from "@pulumi/pulumi";
import { call, domainId, issueToken, roleId, type KeystoneAuth } from "./api";

/** Where and as whom to talk to Keystone (the admin credentials, as inputs). The password is the only secret. */
export type KeystoneConnection = { [K in keyof KeystoneAuth]: pulumi.Input<NonNullable<KeystoneAuth[K]>> };

type Kind = "project" | "user" | "roleAssignment" | "applicationCredential";

/** A resource's state: the admin connection it was made with, what it is, and what Keystone answered. */
interface State extends KeystoneAuth {
    kind: Kind;
    spec: Record<string, unknown>;
    objectId?: string;
    secret?: string;
}

const auth = (s: State): KeystoneAuth => ({
    authUrl: s.authUrl,
    username: s.username,
    password: s.password,
    projectName: s.projectName,
    userDomain: s.userDomain,
    projectDomain: s.projectDomain,
});

/** Which spec fields force a new object; the rest are updated in place. */
export const REPLACE_ON: Record<Kind, string[]> = {
    project: ["name", "domain"],
    user: ["name", "domain"],
    roleAssignment: ["projectId", "userId", "role"],
    applicationCredential: ["userId", "userName", "projectName", "name", "roles", "userPassword"],
};

export function diffSpec(kind: Kind, olds: Record<string, unknown>, news: Record<string, unknown>): { replaces: string[]; changes: boolean } {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    const changed = [...keys].filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
    return { changes: changed.length > 0, replaces: changed.filter((k) => REPLACE_ON[kind].includes(k)).map((k) => `spec.${k}`) };
}

async function createObject(s: State): Promise<{ objectId: string; secret?: string }> {
    const a = auth(s);
    const { token } = await issueToken(a);
    const spec = s.spec as Record<string, string | string[] | undefined>;
    switch (s.kind) {
        case "project": {
            const domain = await domainId(a.authUrl, token, String(spec.domain ?? "Default"));
            const found = await call<{ projects: { id: string }[] }>(a.authUrl, token, "GET", `/projects?name=${encodeURIComponent(String(spec.name))}&domain_id=${domain}`);
            const body = { project: { name: spec.name, domain_id: domain, description: spec.description ?? "", enabled: true } };
            if (found?.projects[0]) {
                await call(a.authUrl, token, "PATCH", `/projects/${found.projects[0].id}`, { project: { description: spec.description ?? "", enabled: true } });
                return { objectId: found.projects[0].id };
            }
            const res = await call<{ project: { id: string } }>(a.authUrl, token, "POST", "/projects", body);
            return { objectId: res!.project.id };
        }
        case "user": {
            const domain = await domainId(a.authUrl, token, String(spec.domain ?? "Default"));
            const found = await call<{ users: { id: string }[] }>(a.authUrl, token, "GET", `/users?name=${encodeURIComponent(String(spec.name))}&domain_id=${domain}`);
            const user = { name: spec.name, domain_id: domain, password: spec.password, default_project_id: spec.defaultProjectId, enabled: true };
            if (found?.users[0]) {
                await call(a.authUrl, token, "PATCH", `/users/${found.users[0].id}`, { user: { password: spec.password, default_project_id: spec.defaultProjectId, enabled: true } });
                return { objectId: found.users[0].id };
            }
            const res = await call<{ user: { id: string } }>(a.authUrl, token, "POST", "/users", { user });
            return { objectId: res!.user.id };
        }
        case "roleAssignment": {
            const role = await roleId(a.authUrl, token, String(spec.role));
            await call(a.authUrl, token, "PUT", `/projects/${spec.projectId}/users/${spec.userId}/roles/${role}`);
            return { objectId: `${spec.projectId}/${spec.userId}/${role}` };
        }
        case "applicationCredential": {
            // Application credentials belong to the user: create them with the user's own project-scoped token.
            const owner = await issueToken({ ...a, username: String(spec.userName), password: String(spec.userPassword), projectName: String(spec.projectName), userDomain: String(spec.userDomain ?? "Default"), projectDomain: String(spec.projectDomain ?? "Default") });
            const existing = await call<{ application_credentials: { id: string; name: string }[] }>(a.authUrl, owner.token, "GET", `/users/${owner.userId}/application_credentials?name=${encodeURIComponent(String(spec.name))}`);
            // Its secret is shown once, at creation: one left from a killed run is replaced, not adopted.
            for (const old of existing?.application_credentials ?? []) await call(a.authUrl, owner.token, "DELETE", `/users/${owner.userId}/application_credentials/${old.id}`);
            const res = await call<{ application_credential: { id: string; secret: string } }>(a.authUrl, owner.token, "POST", `/users/${owner.userId}/application_credentials`, {
                application_credential: { name: spec.name, description: "OSK: cloud controller and CSI drivers", roles: (spec.roles as string[]).map((name) => ({ name })), unrestricted: false },
            });
            return { objectId: res!.application_credential.id, secret: res!.application_credential.secret };
        }
    }
}

async function removeObject(s: State): Promise<void> {
    if (!s.objectId) return;
    const a = auth(s);
    const { token } = await issueToken(a);
    const spec = s.spec as Record<string, string>;
    const path = {
        project: `/projects/${s.objectId}`,
        user: `/users/${s.objectId}`,
        roleAssignment: `/projects/${spec.projectId}/users/${spec.userId}/roles/${s.objectId.split("/")[2]}`,
        applicationCredential: `/users/${spec.userId}/application_credentials/${s.objectId}`,
    }[s.kind];
    await call(a.authUrl, token, "DELETE", path);
}

/** Whether the object still exists (for refresh). */
async function objectExists(s: State): Promise<boolean> {
    if (!s.objectId) return false;
    const a = auth(s);
    const { token } = await issueToken(a);
    const spec = s.spec as Record<string, string>;
    if (s.kind === "roleAssignment") {
        const list = await call<{ role_assignments: unknown[] }>(a.authUrl, token, "GET", `/role_assignments?scope.project.id=${spec.projectId}&user.id=${spec.userId}&role.id=${s.objectId.split("/")[2]}`);
        return (list?.role_assignments.length ?? 0) > 0;
    }
    const path = { project: `/projects/${s.objectId}`, user: `/users/${s.objectId}`, applicationCredential: `/users/${spec.userId}/application_credentials/${s.objectId}` }[s.kind];
    return (await call(a.authUrl, token, "GET", path)) !== undefined;
}

const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: State, news: State) {
        const spec = diffSpec(news.kind, olds.spec, news.spec);
        const connChanged = ["authUrl", "username", "password", "projectName", "userDomain", "projectDomain"].some((k) => (olds as unknown as Record<string, unknown>)[k] !== (news as unknown as Record<string, unknown>)[k]);
        return { changes: spec.changes || connChanged, replaces: spec.replaces, deleteBeforeReplace: news.kind !== "applicationCredential" };
    },
    async create(inputs: State) {
        const out = await createObject(inputs);
        return { id: out.objectId, outs: { ...inputs, objectId: out.objectId, secret: out.secret ?? "" } };
    },
    async update(_id: string, olds: State, news: State) {
        // Only non-identifying fields change here (description, password): create adopts and patches.
        const out = news.kind === "applicationCredential" ? { objectId: olds.objectId!, secret: olds.secret } : await createObject(news);
        return { outs: { ...news, objectId: out.objectId, secret: out.secret ?? olds.secret ?? "" } };
    },
    async read(id: string, props: State) {
        return (await objectExists(props)) ? { id, props } : { id: "", props: {} };
    },
    async delete(_id: string, props: State) {
        await removeObject(props);
    },
};

abstract class KeystoneObject extends pulumi.dynamic.Resource {
    // `declare`: a class field would overwrite what the base constructor set.
    declare public readonly objectId: pulumi.Output<string>;

    constructor(kind: Kind, type: string, name: string, conn: KeystoneConnection, spec: Record<string, unknown>, secretSpec: string[], opts?: pulumi.CustomResourceOptions) {
        const wrapped = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, secretSpec.includes(k) ? pulumi.secret(v) : v]));
        super(
            provider,
            name,
            { kind, ...conn, password: pulumi.secret(conn.password), spec: wrapped, objectId: undefined, secret: undefined },
            { ...opts, additionalSecretOutputs: ["password", "secret"] },
            "keystone",
            type,
        );
    }
}

export class KeystoneProject extends KeystoneObject {
    constructor(name: string, args: { connection: KeystoneConnection; name: pulumi.Input<string>; domain?: pulumi.Input<string>; description?: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super("project", "Project", name, args.connection, { name: args.name, domain: args.domain ?? "Default", description: args.description ?? "" }, [], opts);
    }
}

export class KeystoneUser extends KeystoneObject {
    constructor(name: string, args: { connection: KeystoneConnection; name: pulumi.Input<string>; domain?: pulumi.Input<string>; password: pulumi.Input<string>; defaultProjectId: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super("user", "User", name, args.connection, { name: args.name, domain: args.domain ?? "Default", password: args.password, defaultProjectId: args.defaultProjectId }, ["password"], opts);
    }
}

export class KeystoneRoleAssignment extends KeystoneObject {
    constructor(name: string, args: { connection: KeystoneConnection; projectId: pulumi.Input<string>; userId: pulumi.Input<string>; role: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super("roleAssignment", "RoleAssignment", name, args.connection, { projectId: args.projectId, userId: args.userId, role: args.role }, [], opts);
    }
}

export class KeystoneApplicationCredential extends KeystoneObject {
    /** The credential's secret, shown once by Keystone and kept encrypted in state. */
    declare public readonly secret: pulumi.Output<string>;

    constructor(
        name: string,
        args: { connection: KeystoneConnection; userId: pulumi.Input<string>; userName: pulumi.Input<string>; userPassword: pulumi.Input<string>; projectName: pulumi.Input<string>; name: pulumi.Input<string>; roles: pulumi.Input<string>[] },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            "applicationCredential",
            "ApplicationCredential",
            name,
            args.connection,
            { userId: args.userId, userName: args.userName, userPassword: args.userPassword, projectName: args.projectName, name: args.name, roles: args.roles },
            ["userPassword"],
            opts,
        );
    }
}
