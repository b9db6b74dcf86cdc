// A remote shell step as a resource: runs a script over SSH on create (and again, in place, when its script, files,
// environment or triggers change), and an optional script on delete. Served by OSK's own provider plugin
// (components/provider).
import * as pulumi from "@pulumi/pulumi";
import { OskResource } from "../provider/resource";
import type { DiffResult, ResourceHandler } from "../provider/types";
import { writeFileScript } from "./files";
import { runRemote, type Connection } from "./ssh";

export type { Connection } from "./ssh";

export interface RemoteCommandArgs {
    /** Where to run: host, port, user, optional jump host. */
    connection: pulumi.Input<Omit<Connection, "privateKey">>;
    /** Other addresses (same port, user and jump host) to run at, in order, when `connection.host` cannot be reached
     * or its script exits with {@link HAND_OVER}: for steps any of several hosts can do. @default [] */
    alternateHosts?: pulumi.Input<pulumi.Input<string>[]>;
    /** SSH private key; stored encrypted in state. */
    privateKey: pulumi.Input<string>;
    /** Files written (mode 0600) before the script runs: path -> content. Not secret: shown in diffs. @default {} */
    files?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Script run on create and, in place, whenever it, `files`, the environments or `triggers` change (a re-run is
     * never a replacement: the `delete` script does not run for it). Must be safe to run again. */
    create: pulumi.Input<string>;
    /** Script run when the resource is deleted (scale-down, destroy). @default none */
    delete?: pulumi.Input<string>;
    /** Plain environment for the scripts, shown in diffs. @default {} */
    environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Secret environment for the scripts (tokens, keys). Kept encrypted in state, never on a command line. @default {} */
    secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Values whose change re-runs `create`. @default [] */
    triggers?: pulumi.Input<unknown[]>;
    /** Keep stdout as an output: `plain`, `secret` (it carries tokens or kubeconfigs) or not at all. @default "none" */
    captureStdout?: "none" | "plain" | "secret";
}

export interface State {
    connection: Omit<Connection, "privateKey">;
    alternateHosts?: string[];
    privateKey: string;
    files?: Record<string, string>;
    create: string;
    delete?: string;
    environment?: Record<string, string>;
    secretEnvironment?: Record<string, string>;
    triggers?: unknown[];
    stdout?: string;
}

/** Renders the exports that precede a script; values are single-quoted so nothing in them expands. */
export function renderEnvironment(env: Record<string, string> | undefined): string {
    return Object.entries(env ?? {})
        .map(([k, v]) => {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name "${k}"`);
            return `export ${k}='${v.replace(/'/g, `'"'"'`)}'`;
        })
        .join("\n");
}

/** Exit status of a script that cannot do its work on this host (EX_TEMPFAIL): the next alternate host takes over. */
export const HAND_OVER = 75;

const RERUN_KEYS = ["files", "create", "triggers", "environment", "secretEnvironment"] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The inputs whose change re-runs `create`. */
export function rerunKeys(olds: State, news: State): string[] {
    return RERUN_KEYS.filter((k) => !same(olds[k], news[k]));
}

/**
 * What changed between two states. Every change is an in-place update; one of `create`, `files`, the environments
 * or `triggers` re-runs `create` in it. Never a replacement: that would run the old step's `delete` after the
 * re-run (a `kubeadm reset` after a re-run `kubeadm init` would wipe the node).
 */
export function diffState(olds: State, news: State): DiffResult {
    const updates = (["connection", "alternateHosts", "privateKey", "delete"] as const).filter((k) => !same(olds[k], news[k]));
    return { changes: rerunKeys(olds, news).length + updates.length > 0, replaces: [], deleteBeforeReplace: false };
}

/**
 * Runs one script of a step: environment, files, then the script, on the step's host, or on the next of its
 * alternate hosts when a host cannot be reached or hands over. What create and delete do.
 */
export async function execute(state: State, script: string, what: string, run = runRemote): Promise<string> {
    const files = Object.entries(state.files ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([path, content]) => writeFileScript(path, content, "0600"));
    const full = [renderEnvironment(state.environment), renderEnvironment(state.secretEnvironment), ...files, script].join("\n");
    const hosts = [state.connection.host, ...(state.alternateHosts ?? []).filter((h) => h !== state.connection.host)];
    const tried: string[] = [];
    for (const host of hosts) {
        let result;
        try {
            result = await run({ ...state.connection, host, privateKey: state.privateKey }, full);
        } catch (e) {
            // Unreachable (powered off, gone): with no alternate left, the error is the answer.
            if (hosts.length === 1) throw e;
            tried.push(`${host}: ${(e as Error).message}`);
            continue;
        }
        // stderr only: stdout may carry tokens. Scripts keep secrets off stderr.
        const tail = result.stderr.trim().split("\n").slice(-15).join("\n");
        if (result.exitCode === HAND_OVER && hosts.length > 1) {
            tried.push(`${host}: handed over (${tail.split("\n").pop()})`);
            continue;
        }
        if (result.exitCode !== 0) throw new Error(`${what} on ${host} exited with ${result.exitCode}:\n${tail}`);
        return result.stdout;
    }
    throw new Error(`${what}: no host could run it; tried ${tried.join("; ")}`);
}

type Inputs = State & { captureStdout?: string };

/** What the plugin does for `osk:remote:Command`. */
export const CommandHandler: ResourceHandler<Inputs> = {
    token: "osk:remote:Command",
    diff: diffState,
    secretOutputs: (inputs) => (inputs.captureStdout === "secret" ? ["stdout"] : []),
    async create(inputs) {
        const stdout = await execute(inputs, inputs.create, "create");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const id = (require("crypto") as typeof import("crypto")).randomBytes(8).toString("hex");
        return { id, outs: { ...inputs, stdout: inputs.captureStdout === "none" ? "" : stdout } };
    },
    async update(_id, olds, news) {
        if (rerunKeys(olds, news).length === 0) return { outs: { ...news, stdout: olds.stdout ?? "" } };
        const stdout = await execute(news, news.create, "create");
        return { outs: { ...news, stdout: news.captureStdout === "none" ? "" : stdout } };
    },
    async delete(_id, props) {
        if (props.delete) await execute(props, props.delete, "delete");
    },
};

/** One guarded remote step. `stdout` is empty unless captured; a `secret` capture stays encrypted. */
export class RemoteCommand extends OskResource {
    // `declare`: a class field would overwrite what the base constructor set.
    declare public readonly stdout: pulumi.Output<string>;

    constructor(name: string, args: RemoteCommandArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "osk:remote:Command",
            name,
            {
                ...args,
                // Wrapped here so the secrecy holds whatever the caller passed.
                privateKey: pulumi.secret(args.privateKey),
                secretEnvironment: pulumi.secret(args.secretEnvironment ?? {}),
                captureStdout: args.captureStdout ?? "none",
                stdout: undefined,
            },
            opts,
            [...(args.captureStdout === "secret" ? ["stdout"] : []), "secretEnvironment", "privateKey"],
        );
    }
}
