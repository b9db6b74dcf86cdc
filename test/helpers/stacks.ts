// Stack files as tests see them: the committed Pulumi.<stack>.yaml plus secrets an operator would set.
import { randomBytes } from "crypto";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import type { RawConfig } from "../../stacks/config/validate";

export const ROOT = join(__dirname, "..", "..");

/** The `config:` block of a stack file, keyed by full key (`osk:site`, `pulumi:...`). */
export function stackFile(stack: string): Record<string, unknown> {
    const doc = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    return doc.config ?? {};
}

/** Fresh throwaway secrets for one test run; never written anywhere. */
export function testSecrets(): Record<string, string> {
    const r = () => randomBytes(24).toString("base64");
    return {
        sshPrivateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${r()}\n-----END OPENSSH PRIVATE KEY-----\n`,
        kubeconfig: [
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: c, cluster: {server: 'https://10.1.2.3:6443'}}]",
            "users: [{name: u, user: {token: " + r() + "}}]",
            "contexts: [{name: x, context: {cluster: c, user: u}}]",
            "current-context: x",
        ].join("\n"),
        tenantCloudPassword: r(),
        registryPassword: r(),
    };
}

/** Deep copy of a stack's `osk:` values, with the secret keys the stack's mode needs. */
export function stackValues(stack: string, secrets = testSecrets()): { values: Record<string, unknown>; secrets: Record<string, string> } {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(stackFile(stack))) {
        if (k.startsWith("osk:")) values[k.slice(4)] = structuredClone(v);
    }
    const cp = values.controlPlane as { mode?: string } | undefined;
    const tenant = values.tenant as { enabled?: boolean; cloud?: { source?: string } } | undefined;
    const needed: Record<string, string> = {};
    if (cp?.mode === "kubeadm") needed.sshPrivateKey = secrets.sshPrivateKey;
    if (cp?.mode === "existing") needed.kubeconfig = secrets.kubeconfig;
    if (tenant?.enabled && tenant.cloud?.source === "existing") needed.tenantCloudPassword = secrets.tenantCloudPassword;
    if ((values.site as { registry?: { username?: string } } | undefined)?.registry?.username) needed.registryPassword = secrets.registryPassword;
    return { values, secrets: needed };
}

/** RawConfig for validateConfig, after an optional edit of the values. */
export function rawConfig(stack: string, edit?: (v: Record<string, any>) => void): RawConfig {
    const { values, secrets } = stackValues(stack);
    edit?.(values);
    return { values: { ...values, ...secrets }, secretKeys: new Set(Object.keys(secrets)) };
}
