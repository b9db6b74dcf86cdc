// A small OpenStack REST client for the lab tier's checks: a token and the catalogue from Keystone, then plain
// HTTP to each service's public endpoint. The checks ask the APIs themselves, never Pulumi's state.

export type Login =
    | { authUrl: string; username: string; password: string; projectName: string }
    | { authUrl: string; applicationCredentialId: string; applicationCredentialSecret: string };

interface CatalogEntry {
    type: string;
    endpoints: { interface: string; url: string }[];
}

export class ApiError extends Error {
    constructor(
        message: string,
        readonly status: number,
    ) {
        super(message);
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Cloud {
    private constructor(
        readonly token: string,
        readonly projectId: string,
        readonly userId: string,
        readonly catalog: CatalogEntry[],
        readonly roles: string[],
    ) {}

    static async login(l: Login): Promise<Cloud> {
        const identity =
            "applicationCredentialId" in l
                ? { methods: ["application_credential"], application_credential: { id: l.applicationCredentialId, secret: l.applicationCredentialSecret } }
                : { methods: ["password"], password: { user: { name: l.username, domain: { id: "default" }, password: l.password } } };
        const auth = "applicationCredentialId" in l ? { identity } : { identity, scope: { project: { name: l.projectName, domain: { id: "default" } } } };
        const res = await fetch(`${l.authUrl.replace(/\/$/, "")}/auth/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ auth }) });
        if (res.status !== 201) throw new ApiError(`Keystone refused the login (HTTP ${res.status}): ${(await res.text()).slice(0, 300)}`, res.status);
        const body = (await res.json()) as { token: { project: { id: string }; user: { id: string }; catalog: CatalogEntry[]; roles: { name: string }[] } };
        return new Cloud(res.headers.get("x-subject-token")!, body.token.project.id, body.token.user.id, body.token.catalog, body.token.roles.map((r) => r.name));
    }

    /** The public endpoint of a service type, with Cinder's `%(project_id)s` filled in. */
    url(type: string): string {
        const e = this.catalog.find((c) => c.type === type)?.endpoints.find((x) => x.interface === "public");
        if (!e) throw new Error(`no public ${type} endpoint in the catalogue`);
        return e.url.replace(/\/$/, "");
    }

    async req<T = any>(method: string, type: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
        const prefix = type === "network" ? "/v2.0" : type === "load-balancer" ? "/v2" : type === "image" ? "/v2" : "";
        const res = await fetch(`${this.url(type)}${prefix}${path}`, {
            method,
            headers: { "X-Auth-Token": this.token, "Content-Type": "application/json", Accept: "application/json", ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status >= 400) throw new ApiError(`${method} ${type}${path}: HTTP ${res.status}: ${text.slice(0, 400)}`, res.status);
        return (text ? JSON.parse(text) : undefined) as T;
    }

    get = <T = any>(type: string, path: string, headers?: Record<string, string>) => this.req<T>("GET", type, path, undefined, headers);
    post = <T = any>(type: string, path: string, body: unknown, headers?: Record<string, string>) => this.req<T>("POST", type, path, body, headers);
    put = <T = any>(type: string, path: string, body?: unknown) => this.req<T>("PUT", type, path, body);

    /** DELETE that accepts a 404 (already gone). */
    async del(type: string, path: string): Promise<void> {
        try {
            await this.req("DELETE", type, path);
        } catch (e) {
            if (!(e instanceof ApiError && e.status === 404)) throw e;
        }
    }

    /** Polls `fn` until `done` holds for its value; throws with the last value after `seconds`. */
    async until<T>(what: string, fn: () => Promise<T>, done: (v: T) => boolean, seconds = 180): Promise<T> {
        const deadline = Date.now() + seconds * 1000;
        let last: T | Error | undefined;
        for (;;) {
            try {
                last = await fn();
                if (done(last)) return last;
            } catch (e) {
                last = e as Error;
            }
            if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last).slice(0, 600)}`);
            await sleep(1000);
        }
    }

    /** Waits until GET `path` answers 404. */
    async gone(type: string, path: string, seconds = 180): Promise<void> {
        await this.until(
            `${type}${path} to be gone`,
            async () => {
                try {
                    await this.get(type, path);
                    return false;
                } catch (e) {
                    if (e instanceof ApiError && e.status === 404) return true;
                    throw e;
                }
            },
            (v) => v,
            seconds,
        );
    }
}

/** Nova's microversion that reports server groups by `policy` and shows hosts to admins. */
export const NOVA_2_64 = { "OpenStack-API-Version": "compute 2.64", "X-OpenStack-Nova-API-Version": "2.64" };

/**
 * Every resource of a project, per kind, as the admin sees them through each API (Neutron's automatic `default`
 * security group, which Neutron makes itself for every project that touches it, is left out).
 */
export async function projectInventory(admin: Cloud, projectId: string): Promise<Record<string, string[]>> {
    const names = (items: { name?: string; id: string }[]) => items.map((i) => i.name || i.id).sort();
    const q = `project_id=${projectId}`;
    const [networks, subnets, ports, routers, fips, groups, rules, servers, serverGroups, lbs, listeners, pools, monitors, members, volumes, snapshots] = await Promise.all([
        admin.get("network", `/networks?${q}`).then((r) => names(r.networks)),
        admin.get("network", `/subnets?${q}`).then((r) => names(r.subnets)),
        admin.get("network", `/ports?${q}`).then((r) => names(r.ports)),
        admin.get("network", `/routers?${q}`).then((r) => names(r.routers)),
        admin.get("network", `/floatingips?${q}`).then((r) => r.floatingips.map((f: { floating_ip_address: string }) => f.floating_ip_address).sort()),
        admin.get("network", `/security-groups?${q}`).then((r) => names(r.security_groups.filter((g: { name: string }) => g.name !== "default"))),
        admin.get("network", `/security-group-rules?${q}`).then(async (r) => {
            const defaults = new Set((await admin.get("network", `/security-groups?${q}&name=default`)).security_groups.map((g: { id: string }) => g.id));
            return r.security_group_rules.filter((x: { security_group_id: string }) => !defaults.has(x.security_group_id)).map((x: { id: string }) => x.id);
        }),
        admin.get("compute", `/servers/detail?all_tenants=1&project_id=${projectId}`).then((r) => names(r.servers)),
        admin.get("compute", `/os-server-groups?all_projects=1`, NOVA_2_64).then((r) => names(r.server_groups.filter((g: { project_id: string }) => g.project_id === projectId))),
        admin.get("load-balancer", `/lbaas/loadbalancers?${q}`).then((r) => names(r.loadbalancers)),
        admin.get("load-balancer", `/lbaas/listeners?${q}`).then((r) => names(r.listeners)),
        admin.get("load-balancer", `/lbaas/pools?${q}`).then((r) => names(r.pools)),
        admin.get("load-balancer", `/lbaas/healthmonitors?${q}`).then((r) => names(r.healthmonitors)),
        admin.get("load-balancer", `/lbaas/pools?${q}`).then(async (r) => (await Promise.all(r.pools.map((p: { id: string }) => admin.get("load-balancer", `/lbaas/pools/${p.id}/members`).then((m) => names(m.members))))).flat()),
        admin.get("volumev3", `/volumes/detail?all_tenants=1&project_id=${projectId}`).then((r) => names(r.volumes)),
        admin.get("volumev3", `/snapshots/detail?all_tenants=1&project_id=${projectId}`).then((r) => names(r.snapshots)),
    ]);
    return { networks, subnets, ports, routers, floatingIps: fips, securityGroups: groups, securityGroupRules: rules, servers, serverGroups, loadBalancers: lbs, listeners, pools, monitors, members, volumes, snapshots };
}

/** The inventory's non-empty kinds only (what a clean project must show: nothing). */
export function leftovers(inventory: Record<string, string[]>): Record<string, string[]> {
    return Object.fromEntries(Object.entries(inventory).filter(([, v]) => v.length > 0));
}
