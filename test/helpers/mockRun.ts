// Runs the real program under Pulumi mocks for a stack and returns what it registered. Mocks are installed and
// config is set before the program is loaded, as the engine would do.
import "./path"; // autoscaled releases check that their post-renderer is on PATH
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import { dirname, join } from "path";
import { parse } from "yaml";
import { ROOT, stackFile, stackValues } from "./stacks";

// The mocks hand tests unwrapped inputs; keep the wire form too, so a test can see which inputs are secret.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mocksModule = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: Record<string, any> } };
const wireByName = new Map<string, Record<string, any>>();
// And what the engine would be told the resource depends on (explicit and through inputs), and which outputs are secret.
const edgesByName = new Map<string, { dependencies: string[]; secretOutputs: string[]; parentUrn: string }>();
const original = mocksModule.MockMonitor.prototype.registerResource;
mocksModule.MockMonitor.prototype.registerResource = function (req: any, callback: any) {
    wireByName.set(`${req.getType()}::${req.getName()}`, req.getObject().toJavaScript());
    edgesByName.set(`${req.getType()}::${req.getName()}`, { dependencies: req.getDependenciesList(), secretOutputs: req.getAdditionalsecretoutputsList(), parentUrn: req.getParent() });
    return original.call(this, req, callback);
};
// Function tokens the program invokes, per run (runs are sequential: each installs its own mocks).
let invokedTokens = new Set<string>();
const originalInvoke = mocksModule.MockMonitor.prototype.invoke;
mocksModule.MockMonitor.prototype.invoke = function (req: any, callback: any) {
    invokedTokens.add(req.getTok());
    return originalInvoke.call(this, req, callback);
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
    /** URNs of every resource this one depends on, explicitly or through its inputs, as the engine is told. */
    dependencies: string[];
    /** Outputs the resource asks the engine to keep secret (`additionalSecretOutputs`). */
    secretOutputs: string[];
    /** URN of the parent ("" at the top): exact where `parent` (a name) is ambiguous. */
    parentUrn: string;
}

export interface RunResult {
    resources: Registered[];
    /** Tokens of the functions the program invoked (`openstack:networking/getNetwork:getNetwork`, ...). */
    invokes: string[];
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
    /** More secrets (`osk:<key>`), for one an edit makes necessary. @default none */
    secrets?: Record<string, string>;
}

const FAKE_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://192.0.2.1:8443'}}]\n";

function defaultState(r: pulumi.runtime.MockResourceArgs): Record<string, any> {
    if (r.type === "osk:remote:Command") {
        const stdout = r.name.includes("-kubeconfig-") ? FAKE_KUBECONFIG : r.name.includes("-init-") ? "sha256:" + "ab".repeat(32) : "";
        return { ...r.inputs, stdout };
    }
    if (r.type === "openstack:identity/applicationCredential:ApplicationCredential") {
        // Keystone generates the secret when none is given.
        return { ...r.inputs, secret: `generated-${r.name}` };
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
function clearProgramModules(entry: string): void {
    const programDir = dirname(entry);
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(join(ROOT, "stacks")) || key.startsWith(programDir)) delete require.cache[key];
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
    const { values, secrets: stackSecrets } = stackValues(stack);
    const secrets = { ...stackSecrets, ...opts.secrets };
    opts.edit?.(values);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackFile(stack))) {
        if (!k.startsWith("osk:")) config[k] = typeof v === "string" ? v : JSON.stringify((v as { value?: unknown })?.value ?? v);
    }
    for (const [k, v] of Object.entries({ ...values, ...secrets })) config[`osk:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return runUnderMocks({ project: "osk", stack, entry: join(ROOT, "stacks", "index.ts"), config, secretKeys: Object.keys(secrets).map((k) => `osk:${k}`), secrets }, opts);
}

/**
 * Runs another Pulumi program of this repository (e.g. one under examples/) under mocks: its project name and
 * stack file as the engine would read them (`opts.edit` may change its values, keyed by full key), plus the given
 * secrets under the project's namespace.
 */
export function runProgram(dir: string, stack: string, secrets: Record<string, string> = {}, opts: RunOptions = {}): Promise<RunResult> {
    const project = (parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const doc = parse(readFileSync(join(dir, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    const values: Record<string, unknown> = structuredClone(doc.config ?? {});
    opts.edit?.(values);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
    for (const [k, v] of Object.entries(secrets)) config[`${project}:${k}`] = v;
    return runUnderMocks({ project, stack, entry: join(dir, "index.ts"), config, secretKeys: Object.keys(secrets).map((k) => `${project}:${k}`), secrets }, opts);
}

interface Program {
    project: string;
    stack: string;
    /** The program's entry module. */
    entry: string;
    config: Record<string, string>;
    secretKeys: string[];
    secrets: Record<string, string>;
}

async function runUnderMocks(program: Program, opts: RunOptions): Promise<RunResult> {
    const resources: Registered[] = [];
    const deps = new Map<string, { dependsOn: string[]; parent?: string; protect: boolean }>();
    invokedTokens = new Set<string>();
    const invokes = invokedTokens;
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
                    dependencies: edgesByName.get(`${args.type}::${args.name}`)?.dependencies ?? [],
                    secretOutputs: edgesByName.get(`${args.type}::${args.name}`)?.secretOutputs ?? [],
                    parentUrn: edgesByName.get(`${args.type}::${args.name}`)?.parentUrn ?? "",
                });
                return { id: `${args.name}-id`, state: (opts.state?.(args) ?? defaultState(args)) };
            },
            // Lookups (e.g. the tenant's external network by name) answer with an id derived from what was asked.
            call: (args) => ({ ...args.inputs, id: `${String(args.inputs.name ?? args.token)}-id` }),
        },
        program.project,
        program.stack,
        opts.preview ?? false,
    );
    pulumi.runtime.setAllConfig(program.config, program.secretKeys);

    clearProgramModules(program.entry);
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
        exported = { ...require(program.entry) };
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
        invokes: [...invokes].sort(),
        outputs,
        secretOutputs,
        secrets: program.secrets,
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
