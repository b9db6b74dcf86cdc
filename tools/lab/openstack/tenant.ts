// The lab's tenant stack (test/lab/openstack/tenant): a workspace for it, the OpenStack provider plugin it needs,
// and the per-kind times of a converge.
import { execFileSync } from "child_process";
import { generateKeyPairSync } from "crypto";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { createWorkspace, engineEnv, pulumiSync, type Workspace } from "../../engine/workspace";

const ROOT = join(__dirname, "..", "..", "..");
export const TENANT_PROGRAM = join(ROOT, "test", "lab", "openstack", "tenant");
export const TENANT_STACK = "lab-tenant";

/** The installed pulumi-resource-openstack at the version @pulumi/openstack asks for, or undefined. */
export function providerPlugin(): string | undefined {
    const version = (JSON.parse(readFileSync(join(ROOT, "node_modules", "@pulumi", "openstack", "package.json"), "utf8")) as { version: string }).version;
    let home: string | undefined;
    try {
        home = engineEnv().PULUMI_HOME;
    } catch {
        return undefined;
    }
    const bin = join(home, "plugins", `resource-openstack-v${version.replace(/^v/, "")}`, "pulumi-resource-openstack");
    return existsSync(bin) ? bin : undefined;
}

/** An OpenSSH `ssh-ed25519` public key line (the tenant's key pair; its private half is never needed: nothing boots). */
export function throwawayPublicKey(): string {
    const raw = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64")} osk-lab-tenant`;
}

/**
 * A persistent workspace in `base` for the tenant program's `stack`, the lab admin's password set as a secret. The
 * tenant's key pair: a throwaway public key where nothing boots; with `bootable`, a real key whose private half the
 * program logs in to the instance hosts with (a secret, on stdin).
 */
export function tenantWorkspace(base: string, adminPassword: string, stack = TENANT_STACK, bootable = false): Workspace {
    const fresh = !existsSync(join(base, "backend", ".pulumi"));
    const ws = createWorkspace(stack, fresh ? { tenantCloudPassword: adminPassword } : {}, TENANT_PROGRAM, base);
    // The language host resolves @pulumi/pulumi from the project directory.
    if (!existsSync(join(ws.dir, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(ws.dir, "node_modules"));
    const set = (key: string, value: string, secret = false) => {
        const out = pulumiSync(ws, ["config", "set", ...(secret ? ["--secret"] : []), key, ...(secret ? [] : [value]), "--stack", stack], secret ? value : undefined);
        if (out.code !== 0) throw new Error(`pulumi config set ${key} failed: ${out.stderr}`);
    };
    if (bootable) {
        const keyFile = join(base, "ssh-key");
        if (!existsSync(keyFile)) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `osk-${stack}`, "-f", keyFile]);
        set("labTenant:publicKey", readFileSync(`${keyFile}.pub`, "utf8").trim());
        if (fresh) set("labTenant:sshPrivateKey", readFileSync(keyFile, "utf8"), true);
    } else {
        const keyFile = join(base, "public-key");
        if (!existsSync(keyFile)) writeFileSync(keyFile, throwawayPublicKey());
        set("labTenant:publicKey", readFileSync(keyFile, "utf8"));
    }
    return ws;
}

/** The longest create per resource type in a `pulumi up` log ("+  <type> <name> created (12s)"). */
export function perKindSeconds(upLog: string): [string, number][] {
    const longest = new Map<string, number>();
    for (const m of upLog.matchAll(/^\s*\+\s+(\S+)\s+\S+\s+created \((\d+(?:\.\d+)?)s\)/gm)) {
        longest.set(m[1], Math.max(longest.get(m[1]) ?? 0, Number(m[2])));
    }
    return [...longest.entries()].sort((a, b) => b[1] - a[1]);
}

/** The layers of a tenant converge, in the order the graph walks them. */
export type TenantLayer = "identity" | "infrastructure" | "control plane" | "add-ons" | "drain";
const LAYERS: TenantLayer[] = ["identity", "infrastructure", "control plane", "add-ons", "drain"];

/**
 * Which layer a resource of the tenant stack belongs to, by its type as the engine shows it (`openstack:identity:Project`)
 * or as a URN has it (`openstack:identity/project:Project`); undefined for the stack, providers, components, the
 * webhook's certificate and the generated join secrets, which are not a layer's work.
 */
export function tenantLayer(type: string): TenantLayer | undefined {
    const [pkg, module] = type.split(":");
    if (pkg === "openstack") return module.split("/")[0] === "identity" ? "identity" : "infrastructure";
    // The control plane's work is its SSH steps (host preparation, kubeadm init and joins, the CNI, node roles).
    if (pkg === "osk" && module === "remote") return "control plane";
    // The drain is made last and destroyed first: it gives back what the add-ons hold before they go.
    if (type === "osk:k8s:ClusterDrain") return "drain";
    if (pkg === "kubernetes") return "add-ons";
    return undefined;
}

/** One line of the engine's progress as it arrived, with the time it arrived (ms since the epoch). */
export interface TimedLine {
    at: number;
    line: string;
}

/** A layer's span in a run's timed progress: its first step starting, its last one done, how many were done. */
interface LayerSpan {
    layer: TenantLayer;
    from: number;
    to: number;
    resources: number;
}

/** Spans per layer from the progress lines of one kind of step: `+` creating/created, or `-` deleting/deleted. */
function layerSpans(lines: readonly TimedLine[], step: "create" | "delete"): Map<TenantLayer, LayerSpan> {
    const [sign, doing, done] = step === "create" ? ["\\+", "creating", "created"] : ["-", "deleting", "deleted"];
    const pattern = new RegExp(`^\\s*${sign}\\s+(\\S+)\\s+(\\S+)\\s+(${doing}|${done})\\b`);
    const spans = new Map<TenantLayer, LayerSpan & { names: Set<string> }>();
    for (const { at, line } of lines) {
        const m = pattern.exec(line);
        const layer = m ? tenantLayer(m[1]) : undefined;
        if (!m || !layer) continue;
        const span = spans.get(layer) ?? { layer, from: at, to: at, resources: 0, names: new Set<string>() };
        span.from = Math.min(span.from, at);
        span.to = Math.max(span.to, at);
        if (m[3] === done) span.names.add(`${m[1]} ${m[2]}`);
        span.resources = span.names.size;
        spans.set(layer, span);
    }
    return new Map([...spans].map(([l, { names: _names, ...span }]) => [l, span]));
}

/**
 * Per layer, from the timed progress of `pulumi up`: seconds from the first of its resources starting to be
 * created ("creating") to the last one created ("created (...)"), and how many it created.
 */
export function layerSeconds(lines: readonly TimedLine[]): { layer: TenantLayer; seconds: number; resources: number }[] {
    const spans = layerSpans(lines, "create");
    return LAYERS.filter((l) => spans.has(l)).map((layer) => {
        const span = spans.get(layer)!;
        return { layer, seconds: Math.round((span.to - span.from) / 100) / 10, resources: span.resources };
    });
}

/**
 * Per layer, in the order a destroy should take them (drain, add-ons, control plane, infrastructure, identity): when
 * its first delete began ("deleting") and its last one ended ("deleted"), from the timed progress of `pulumi destroy`.
 */
export function layerDeletions(lines: readonly TimedLine[]): LayerSpan[] {
    const spans = layerSpans(lines, "delete");
    return [...LAYERS].reverse().filter((l) => spans.has(l)).map((l) => spans.get(l)!);
}
