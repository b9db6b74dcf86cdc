// The small Kubernetes API client OSK's dynamic providers use (readiness gates, the destroy-time drain): one request
// to the cluster in a kubeconfig's current context, with client-certificate or token authentication. Everything is
// required inside the function because dynamic providers are serialized and run in the engine's own process.

export interface KubeResponse {
    status: number;
    body: string;
}

/** Sends one request; `body` is sent as JSON. Resolves with the HTTP status and the raw body. */
export function kubeRequest(kubeconfig: string, method: "GET" | "DELETE" | "POST", path: string, body?: unknown): Promise<KubeResponse> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { parse } = require("yaml") as typeof import("yaml");
    const https = require("https") as typeof import("https");
    /* eslint-enable @typescript-eslint/no-require-imports */
    type Named<T> = { name: string } & T;
    const kc = parse(kubeconfig) as {
        "current-context"?: string;
        contexts: Named<{ context: { cluster: string; user: string } }>[];
        clusters: Named<{ cluster: { server: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean } }>[];
        users: Named<{ user: { token?: string; "client-certificate-data"?: string; "client-key-data"?: string } }>[];
    };
    const ctx = kc.contexts.find((c) => c.name === kc["current-context"]) ?? kc.contexts[0];
    const cluster = kc.clusters.find((c) => c.name === ctx.context.cluster)!.cluster;
    const user = kc.users.find((u) => u.name === ctx.context.user)?.user ?? {};
    const b64 = (s?: string) => (s ? Buffer.from(s, "base64") : undefined);
    const url = new URL(path, cluster.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
        const req = https.request(
            url,
            {
                method,
                ca: b64(cluster["certificate-authority-data"]),
                cert: b64(user["client-certificate-data"]),
                key: b64(user["client-key-data"]),
                rejectUnauthorized: !cluster["insecure-skip-tls-verify"],
                headers: {
                    ...(user.token ? { Authorization: `Bearer ${user.token}` } : {}),
                    ...(payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
                },
                timeout: 15000,
            },
            (res) => {
                let text = "";
                res.on("data", (d: Buffer) => (text += d.toString()));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
        );
        req.on("timeout", () => req.destroy(new Error("request timed out")));
        req.on("error", reject);
        req.end(payload);
    });
}

/** Asks `done` about each item every 3 s until all are done; past the deadline throws `timedOut(what is left)`. */
export async function waitForEach<T>(items: T[], done: (item: T) => Promise<boolean>, timeoutSeconds: number, timedOut: (left: T[]) => Error): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let left = items;
    for (;;) {
        const still: T[] = [];
        for (const item of left) if (!(await done(item))) still.push(item);
        left = still;
        if (left.length === 0) return;
        if (Date.now() > deadline) throw timedOut(left);
        await new Promise((r) => setTimeout(r, 3000));
    }
}
