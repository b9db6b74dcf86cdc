// Runs the real Pulumi engine offline against a throwaway copy of the project: a local file backend, the
// passphrase secrets provider, the plugins tools/toolchain.sh built, and nothing that reaches a network.
// Used by the engine test tier, the benchmarks and `./osk preview`.
import { spawn, spawnSync } from "child_process";
import { generateKeyPairSync, randomBytes } from "crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export const ROOT = join(__dirname, "..", "..");

/** The engine's environment, as tools/toolchain.sh prints it (built on first use). */
export function engineEnv(): Record<string, string> {
    const res = spawnSync("bash", [join(ROOT, "tools", "toolchain.sh"), "--env"], { encoding: "utf8" });
    if (res.status !== 0) {
        throw new Error(`the offline engine is not built: ${res.stderr.trim()}\nrun: bash tools/toolchain.sh`);
    }
    const env: Record<string, string> = {};
    for (const line of res.stdout.split("\n")) {
        const m = /^export ([A-Z_]+)="(.*)"$/.exec(line.trim());
        if (m) env[m[1]] = m[2].replace(/\$PATH/g, process.env.PATH ?? "");
    }
    return env;
}

export interface Workspace {
    /** Project directory the engine runs in. */
    dir: string;
    stack: string;
    env: NodeJS.ProcessEnv;
    /** Removes the project copy and its backend. */
    dispose(): void;
}

export interface RunOutput {
    code: number;
    stdout: string;
    stderr: string;
    /** Wall time in milliseconds. */
    ms: number;
    /** Peak resident memory of the whole process tree (CLI, language host, node, providers), in KiB. */
    peakRssKb: number;
}

/** A throwaway SSH key in OpenSSH PEM form, for stacks that need one to preview. */
export function throwawaySshKey(): string {
    const { privateKey } = generateKeyPairSync("ed25519");
    return privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/**
 * A copy of the project for one stack: sources linked, the stack file copied, a fresh file backend and
 * passphrase, and the given secrets set with `pulumi config set --secret` under `namespace` (the project's config
 * namespace; `source` may be another program of this repository, such as one under examples/).
 */
export function createWorkspace(stack: string, secrets: Record<string, string> = {}, source = ROOT, persistentBase?: string, namespace = "osk"): Workspace {
    const base = persistentBase ?? mkdtempSync(join(tmpdir(), `osk-engine-${stack}-`));
    const dir = join(base, "project");
    const backend = join(base, "backend");
    const passphraseFile = join(base, "passphrase");
    const fresh = !existsSync(join(backend, ".pulumi"));
    mkdirSync(dir, { recursive: true });
    mkdirSync(backend, { recursive: true });
    for (const entry of readdirSync(source)) {
        if (entry.startsWith("Pulumi.") || entry.startsWith(".") || entry === "test") continue;
        if (!existsSync(join(dir, entry))) symlinkSync(join(source, entry), join(dir, entry));
    }
    // A program of this repository other than the root (examples/) uses the root's packages.
    if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    copyFileSync(join(source, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    // A persistent workspace keeps its stack file: it holds the encrypted secrets set below.
    if (existsSync(join(source, `Pulumi.${stack}.yaml`)) && (fresh || !existsSync(join(dir, `Pulumi.${stack}.yaml`)))) {
        copyFileSync(join(source, `Pulumi.${stack}.yaml`), join(dir, `Pulumi.${stack}.yaml`));
    }
    if (!existsSync(passphraseFile)) writeFileSync(passphraseFile, randomBytes(24).toString("hex"), { mode: 0o600 });
    // The engine's and its plugins' temporary files stay in the workspace, emptied at each start and removed with
    // it: the Kubernetes provider writes each cluster's kubeconfig, admin key included, into a temporary file and
    // leaves it there (about 50 of them in /tmp after one whole test run).
    const scratch = join(base, "tmp");
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { mode: 0o700 });
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...engineEnv(),
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
        PULUMI_CONFIG_PASSPHRASE: undefined,
        PULUMI_SKIP_CONFIRMATIONS: "true",
        NO_COLOR: "1",
        TMPDIR: scratch,
    };
    const ws: Workspace = { dir, stack, env, dispose: () => rmSync(base, { recursive: true, force: true }) };
    if (fresh) check(pulumiSync(ws, ["stack", "init", stack, "--secrets-provider", "passphrase", "--non-interactive"]));
    else check(pulumiSync(ws, ["stack", "select", stack, "--non-interactive"]));
    for (const [key, value] of Object.entries(secrets)) {
        // The value goes in on stdin, never on a command line.
        check(pulumiSync(ws, ["config", "set", "--secret", `${namespace}:${key}`, "--stack", stack], value));
    }
    return ws;
}

function check(out: { code: number; stderr: string; stdout: string }): void {
    if (out.code !== 0) throw new Error(`pulumi failed (${out.code}):\n${out.stderr || out.stdout}`);
}

/** A short pulumi command, synchronously. */
export function pulumiSync(ws: Workspace, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
    // State exports grow past spawnSync's 1 MiB default (a converged site holds hundreds of resources).
    const res = spawnSync("pulumi", args, { cwd: ws.dir, env: ws.env, input, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** Resident memory of a process and all its descendants, in KiB, read from /proc. */
export function treeRssKb(root: number): number {
    // Sum RSS over the process and all its descendants, read from /proc.
    const children = new Map<number, number[]>();
    const rss = new Map<number, number>();
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            const ppid = Number(fields[1]);
            const pid = Number(entry);
            (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(pid);
            const status = readFileSync(`/proc/${entry}/status`, "utf8");
            const m = /VmRSS:\s+(\d+)/.exec(status);
            rss.set(pid, m ? Number(m[1]) : 0);
        } catch {
            // the process ended while we looked
        }
    }
    let total = 0;
    const stack = [root];
    while (stack.length) {
        const pid = stack.pop()!;
        total += rss.get(pid) ?? 0;
        stack.push(...(children.get(pid) ?? []));
    }
    return total;
}

/** Runs a pulumi command, measuring wall time and the process tree's peak memory. */
/** The stack's `kubeconfig` output (a secret) written to `file` with mode 0600, for kubectl; returns `file`. */
export function writeKubeconfigOutput(ws: Workspace, file: string): string {
    const out = pulumiSync(ws, ["stack", "output", "kubeconfig", "--show-secrets", "--stack", ws.stack]);
    if (out.code !== 0 || !out.stdout.includes("apiVersion")) throw new Error(`no kubeconfig output: ${out.stderr}`);
    writeFileSync(file, out.stdout, { mode: 0o600 });
    return file;
}

export function pulumiRun(ws: Workspace, args: string[], onLine?: (line: string) => void): Promise<RunOutput> {
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const child = spawn("pulumi", args, { cwd: ws.dir, env: ws.env });
        let stdout = "";
        let stderr = "";
        let peak = 0;
        let partial = "";
        child.stdout.on("data", (d: Buffer) => {
            stdout += d.toString();
            if (!onLine) return;
            // Whole lines only, each as it arrives (progress with times of its own).
            const lines = (partial + d.toString()).split("\n");
            partial = lines.pop() ?? "";
            for (const l of lines) onLine(l);
        });
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setInterval(() => {
            if (child.pid) peak = Math.max(peak, treeRssKb(child.pid));
        }, 100);
        child.on("error", (e) => {
            clearInterval(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearInterval(timer);
            resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started, peakRssKb: peak });
        });
    });
}

export interface PreviewSummary {
    /** Resource counts per operation (create, same, update, ...). */
    changes: Record<string, number>;
    /** Diagnostics the program or providers raised, with severity. */
    diagnostics: { severity: string; message: string; urn?: string }[];
    steps: { op: string; urn: string; type?: string }[];
}

/** Parses `pulumi preview --json`. */
export function parsePreview(stdout: string): PreviewSummary {
    const doc = JSON.parse(stdout) as {
        changeSummary?: Record<string, number>;
        diagnostics?: { severity: string; message: string; urn?: string }[];
        steps?: { op: string; urn: string; newState?: { type?: string } }[];
    };
    return {
        changes: doc.changeSummary ?? {},
        diagnostics: doc.diagnostics ?? [],
        steps: (doc.steps ?? []).map((s) => ({ op: s.op, urn: s.urn, type: s.newState?.type })),
    };
}

/** Secrets a committed stack needs to preview, freshly generated and thrown away. */
export function previewSecrets(stack: string, source = ROOT): Record<string, string> {
    const text = readFileSync(join(source, `Pulumi.${stack}.yaml`), "utf8");
    const secrets: Record<string, string> = {};
    if (/mode:\s*kubeadm/.test(text)) secrets.sshPrivateKey = throwawaySshKey();
    return secrets;
}

export interface PolicyViolation {
    level: string;
    policy: string;
    /** `type: name` of the resource, or the stack. */
    resource: string;
    message: string;
}

/** Policy violations from a text-mode preview (the JSON output leaves them out). */
export function parsePolicyViolations(stdout: string): PolicyViolation[] {
    const out: PolicyViolation[] = [];
    const lines = stdout.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const m = /^\s+- \[(advisory|mandatory)\]\s+(\S+)\s+\((.+)\)\s*$/.exec(lines[i]);
        if (m) out.push({ level: m[1], policy: m[2], resource: m[3], message: (lines[i + 2] ?? "").trim() });
    }
    return out;
}

/** The policy pack arguments for a stack: the pack in the workspace and the stack's enforcement config. */
export function policyArgs(ws: Workspace): string[] {
    return ["--policy-pack", join(ws.dir, "policy"), "--policy-pack-config", join(ws.dir, "policy", "config", `${ws.stack}.json`)];
}
