// Runs the real program under Pulumi mocks for a stack and returns what it registered. Mocks are installed and
// config is set before the program is loaded, as the engine would do.
import * as pulumi from "@pulumi/pulumi";
import { join } from "path";
import { ROOT, stackFile, stackValues } from "./stacks";

// The mocks hand tests unwrapped inputs; keep the wire form too, so a test can see which inputs are secret.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mocksModule = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: Record<string, any> } };
const wireByName = new Map<string, Record<string, any>>();
const original = mocksModule.MockMonitor.prototype.registerResource;
mocksModule.MockMonitor.prototype.registerResource = function (req: any, callback: any) {
    wireByName.set(`${req.getType()}::${req.getName()}`, req.getObject().toJavaScript());
    return original.call(this, req, callback);
};

/** The engine's marker for a secret value on the wire. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Every string in a wire value that is not inside a secret. */
export function plainStrings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(plainStrings);
    if (value && typeof value === "object") {
        if ((value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) return [];
        return Object.values(value).flatMap(plainStrings);
    }
    return [];
}

/** The value with every secret wrapper replaced by its plaintext. */
export function unwrapSecrets(value: unknown): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

// Outstanding registrations finish before the result is read; the SDK exports this only from its settings module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** Inputs as sent to the engine, secrets still wrapped: what state would hold. */
    wire: Record<string, any>;
    /** Provider reference (`urn::id`) for custom resources that named one. */
    provider?: string;
    custom: boolean;
    /** Names of the resources this one explicitly depends on. */
    dependsOn: string[];
    /** Name of the parent resource, if any. */
    parent?: string;
    /** The `protect` option as the program set it. */
    protect: boolean;
}

export interface RunResult {
    resources: Registered[];
    outputs: Record<string, unknown>;
    /** Names of outputs the engine would store as secrets. */
    secretOutputs: Set<string>;
    /** Secret values fed in, to assert they appear nowhere in plain form. */
    secrets: Record<string, string>;
    byName(name: string): Registered;
    ofType(prefix: string): Registered[];
}

export interface RunOptions {
    /** Edit the stack's values before the run. */
    edit?: (values: Record<string, any>) => void;
    /** Run as a preview (unknowns stay unknown). @default false */
    preview?: boolean;
    /** Mock state per resource; defaults echo the inputs. */
    state?: (r: pulumi.runtime.MockResourceArgs) => Record<string, any> | undefined;
}

const FAKE_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://192.0.2.1:8443'}}]\n";

function defaultState(r: pulumi.runtime.MockResourceArgs): Record<string, any> {
    if (r.type === "osk:remote:Command") {
        const stdout = r.name.includes("-kubeconfig-") ? FAKE_KUBECONFIG : r.name.includes("-init-") ? "sha256:" + "ab".repeat(32) : "";
        return { ...r.inputs, stdout };
    }
    if (r.type.startsWith("pulumi-nodejs:dynamic/keystone:")) {
        return { ...r.inputs, objectId: `${r.name}-oid`, secret: r.type.endsWith(":ApplicationCredential") ? `generated-${r.name}` : "" };
    }
    if (r.type === "osk:secrets:Generated") {
        return { ...r.inputs, value: `generated-${r.name}` };
    }
    if (r.type === "osk:secrets:ServingCertificate") {
        // Recognisable stand-ins: tests look for the key in plain inputs and outputs.
        return { ...r.inputs, caPem: `ca-of-${r.name}`, certPem: `cert-of-${r.name}`, keyPem: `generated-key-of-${r.name}`, notAfter: "2036-01-01T00:00:00.000Z" };
    }
    return r.inputs;
}

/** Forgets the program entry so the next require runs it again. Components stay loaded: they hold no state,
 * and reloading them would only cost time. */
function clearProgramModules(): void {
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(join(ROOT, "stacks"))) delete require.cache[key];
    }
}

async function unwrap(value: unknown): Promise<{ value: unknown; secret: boolean }> {
    if (pulumi.Output.isInstance(value)) {
        const out = value as pulumi.Output<unknown>;
        const secret = await pulumi.isSecret(out);
        const v = await new Promise((resolve) => out.apply((x) => { resolve(x); return x; }));
        return { value: v, secret };
    }
    return { value, secret: false };
}

const plainRuns = new Map<string, Promise<RunResult>>();

/**
 * Runs a committed stack under mocks. Runs without options are shared between spec files (the program is
 * deterministic for a stack file; tests only read the result), which keeps the unit tier fast.
 */
export function runStack(stack: string, opts: RunOptions = {}): Promise<RunResult> {
    if (Object.keys(opts).length > 0) return runStackOnce(stack, opts);
    if (!plainRuns.has(stack)) plainRuns.set(stack, runStackOnce(stack, opts));
    return plainRuns.get(stack)!;
}

async function runStackOnce(stack: string, opts: RunOptions): Promise<RunResult> {
    const resources: Registered[] = [];
    const deps = new Map<string, { dependsOn: string[]; parent?: string; protect: boolean }>();
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const meta = deps.get(`${args.type}::${args.name}`);
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs: unwrapSecrets(args.inputs),
                    wire: wireByName.get(`${args.type}::${args.name}`) ?? {},
                    provider: args.provider,
                    custom: args.custom ?? true,
                    dependsOn: meta?.dependsOn ?? [],
                    parent: meta?.parent,
                    protect: meta?.protect ?? false,
                });
                return { id: `${args.name}-id`, state: (opts.state?.(args) ?? defaultState(args)) };
            },
            // Lookups (e.g. the tenant's external network by name) answer with an id derived from what was asked.
            call: (args) => ({ ...args.inputs, id: `${String(args.inputs.name ?? args.token)}-id` }),
        },
        "osk",
        stack,
        opts.preview ?? false,
    );

    const { values, secrets } = stackValues(stack);
    opts.edit?.(values);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackFile(stack))) {
        if (!k.startsWith("osk:")) config[k] = typeof v === "string" ? v : JSON.stringify((v as { value?: unknown })?.value ?? v);
    }
    for (const [k, v] of Object.entries({ ...values, ...secrets })) config[`osk:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    pulumi.runtime.setAllConfig(config, Object.keys(secrets).map((k) => `osk:${k}`));

    clearProgramModules();
    // runInPulumiStack hands back resolved plain values; keep the program's own Outputs to read their secrecy.
    let exported: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const dependsOn = ([] as unknown[])
                .concat(args.opts.dependsOn ?? [])
                .map((d) => (d as { __name?: string }).__name ?? "?");
            deps.set(`${args.type}::${args.name}`, {
                dependsOn,
                parent: (args.opts.parent as { __name?: string } | undefined)?.__name,
                protect: (args.opts as { protect?: boolean }).protect === true,
            });
            return undefined;
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exported = { ...require(join(ROOT, "stacks", "index.ts")) };
        return exported;
    });

    const outputs: Record<string, unknown> = {};
    const secretOutputs = new Set<string>();
    for (const [k, v] of Object.entries(exported)) {
        const u = await unwrap(v);
        outputs[k] = u.value;
        if (u.secret) secretOutputs.add(k);
    }
    await settings.waitForRPCs();
    return {
        resources,
        outputs,
        secretOutputs,
        secrets,
        byName(name) {
            const r = resources.find((x) => x.name === name);
            if (!r) throw new Error(`no resource named ${name}; have: ${resources.map((x) => x.name).join(", ")}`);
            return r;
        },
        ofType(prefix) {
            return resources.filter((r) => r.type.startsWith(prefix));
        },
    };
}
