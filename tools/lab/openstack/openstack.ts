// The lab's OpenStack as a lab part (tools/lab/openstack/openstack.sh does the work): install, start, the operator
// fixtures the stacks need, stop, and the lab admin's credentials. Ports 16000-16999 on 127.0.0.1; state under
// $OSK_LAB_OPENSTACK_DIR (default ~/.osk/lab-openstack) unless a directory is given.
import { spawnSync } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { parse } from "yaml";
import type { KeystoneAuth } from "../../lib/keystone";
import { tenantSchema, type TenantClusterConfig } from "../../../stacks/config/schema";

const ROOT = join(__dirname, "..", "..", "..");
const HERE = join(ROOT, "tools", "lab", "openstack");
/**
 * The OpenStack lab part's own root (its services' state, the tenant stack's workspace). Not under the kwok lab's
 * $OSK_LAB_DIR: that lab's `down` removes its whole directory, and the two parts run side by side.
 */
export const LAB_OPENSTACK = process.env.OSK_LAB_OPENSTACK_DIR ?? join(homedir(), ".osk", "lab-openstack");
/** Keystone of the lab's OpenStack (a Keystone of its own on MariaDB; the kwok lab's stays on 15000). */
export const OPENSTACK_KEYSTONE_URL = "http://127.0.0.1:16000/v3";
/** The external network every lab stack routes to: TEST-NET-2, documentation space that routes nowhere. */
export const EXTERNAL_NETWORK = { cidr: "198.51.100.0/24", gateway: "198.51.100.1", poolStart: "198.51.100.10", poolEnd: "198.51.100.250" } as const;
/** The stack that converges the tenant infrastructure into the lab's OpenStack (test/lab/openstack/tenant). */
export const TENANT_STACK_FILE = join(ROOT, "test", "lab", "openstack", "tenant", "Pulumi.lab-tenant.yaml");
/** The whole tenant end to end: its instances become lab hosts (the lab OpenStack started with its instance hosts). */
export const TENANT_E2E_STACK_FILE = join(ROOT, "test", "lab", "openstack", "tenant", "Pulumi.lab-tenant-e2e.yaml");
/** Committed stacks whose tenant clusters are built on OpenStack: the lab provides what they name. */
const STACK_FILES = [TENANT_STACK_FILE, TENANT_E2E_STACK_FILE, join(ROOT, "Pulumi.prod.yaml")];
/** The tenant network the instance hosts boot on: its gateway is the bridge in the machine's namespace. */
export const INSTANCE_HOSTS_GATEWAY = "192.168.110.1/24";

export interface OpenStackFixtures {
    image: string;
    /** One per flavor name a stack uses; the lab's fake hypervisors do not care about size, the quota does. */
    flavors: { name: string; vcpus: number; ramMb: number; diskGb: number }[];
    externalNetwork: { name: string; cidr: string; gateway: string; poolStart: string; poolEnd: string };
    volumeTypes: string[];
}

/** The validated `osk:tenant` section of a stack file (the product's own schema; throws naming the problems). */
export function tenantOf(stackFile: string): TenantClusterConfig {
    const doc = parse(readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> };
    const parsed = tenantSchema.safeParse(doc.config?.["osk:tenant"]);
    if (!parsed.success) throw new Error(`${stackFile}: osk:tenant: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    if (!parsed.data.enabled) throw new Error(`${stackFile}: osk:tenant is not enabled`);
    return parsed.data;
}

/**
 * What an operator creates for the given tenant clusters: their flavors, one image (the first stack's; the others
 * must name the same, since the lab holds one), their external network on TEST-NET-2 and a volume type per Cinder
 * StorageClass that names one.
 */
export function fixturesFor(tenants: TenantClusterConfig[]): OpenStackFixtures {
    if (tenants.length === 0) throw new Error("no tenant cluster to make fixtures for");
    const externals = [...new Set(tenants.map((t) => t.network.externalNetwork))];
    // One flat physical network in the lab, and Neutron allows one flat network per physical network.
    if (externals.length > 1) throw new Error(`the lab has one external network; the stacks name ${externals.join(", ")}`);
    const flavors = [...new Set(tenants.flatMap((t) => [t.masters.flavor, t.workers.flavor]))].sort();
    const volumeTypes = [...new Set(tenants.flatMap((t) => t.storage.cinderClasses.flatMap((c) => (c.volumeType ? [c.volumeType] : []))))].sort();
    return {
        image: tenants[0].image,
        flavors: flavors.map((name) => ({ name, vcpus: 1, ramMb: 1024, diskGb: 1 })),
        externalNetwork: { name: externals[0], ...EXTERNAL_NETWORK },
        volumeTypes,
    };
}

/** The fixtures the committed OpenStack-backed stacks need. */
export function stackFixtures(): OpenStackFixtures {
    return fixturesFor(STACK_FILES.map(tenantOf));
}

function sh(args: string[], what: string, env: Record<string, string> = {}): string {
    const res = spawnSync("bash", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}):\n${(res.stderr || res.stdout).slice(-4000)}`);
    return res.stderr + res.stdout;
}

export interface StartFigures {
    installSeconds: number;
    startSeconds: number;
    fixturesSeconds: number;
    /** openstack.sh's own phase lines ("MariaDB up: 3.9 s", ...). */
    phases: string[];
}

/** Where the instance hosts of the lab OpenStack in `dir` live (when it was started with them). */
export const instanceHostsDir = (dir: string) => join(dir, "instance-hosts");

/**
 * Installs (when missing) and starts the lab's OpenStack in `dir`, then makes the fixtures. Idempotent. With
 * `instanceHosts`, Nova boots a lab host for every instance on INSTANCE_HOSTS_GATEWAY's network and Octavia serves
 * the VIPs there (tools/lab/openstack/openstack.sh).
 */
export function startOpenStack(dir: string, fixtures: OpenStackFixtures = stackFixtures(), options: { instanceHosts?: boolean; computes?: number; images?: string } = {}): StartFigures {
    const t0 = Date.now();
    sh([join(HERE, "install.sh")], "installing the lab's OpenStack");
    const t1 = Date.now();
    const env: Record<string, string> = {
        ...(options.instanceHosts ? { OSK_LAB_INSTANCE_HOSTS: instanceHostsDir(dir), OSK_LAB_TENANT_GATEWAY: INSTANCE_HOSTS_GATEWAY } : {}),
        ...(options.computes ? { OSK_LAB_COMPUTES: String(options.computes) } : {}),
        // The image tars the instance hosts import (tools/lab/hosts/images.sh's directory). @default images.sh's own
        ...(options.images ? { OSK_LAB_IMAGES: options.images } : {}),
    };
    const log = sh([join(HERE, "openstack.sh"), "start", dir], "starting the lab's OpenStack", env);
    const t2 = Date.now();
    const file = join(dir, "fixtures.json");
    writeFileSync(file, JSON.stringify(fixtures, null, 2));
    const res = spawnSync("/usr/bin/python3", [join(HERE, "bootstrap.py"), "fixtures", file], { env: { ...process.env, OS_CLIENT_CONFIG_FILE: join(dir, "keystone", "clouds.yaml") }, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`the lab's OpenStack fixtures failed:\n${res.stderr.slice(-3000)}`);
    const phases = log.split("\n").filter((l) => /^\[openstack\] .*: [\d.]+ s$/.test(l)).map((l) => l.replace("[openstack] ", ""));
    return { installSeconds: (t1 - t0) / 1000, startSeconds: (t2 - t1) / 1000, fixturesSeconds: (Date.now() - t2) / 1000, phases };
}

/** How many fake hypervisors (nova-compute hosts) the last start in `dir` made (OSK_LAB_COMPUTES, default 5). */
export function computeHosts(dir: string): number {
    return Number(readFileSync(join(dir, "computes"), "utf8").trim());
}

/** Stops every process of the lab's OpenStack in `dir` by PID (also when `dir` is gone); throws when one survives. */
export function stopOpenStack(dir: string): void {
    sh([join(HERE, "openstack.sh"), "stop", dir], "stopping the lab's OpenStack");
}

/** Live PIDs of the lab's OpenStack processes in `dir`. */
export function openstackPids(dir: string): number[] {
    return sh([join(HERE, "openstack.sh"), "pids", dir], "listing the lab's OpenStack processes").split("\n").filter((l) => /^\d+$/.test(l)).map(Number);
}

/** Summed resident memory of those processes, MiB. */
export function openstackRssMb(dir: string): number {
    let kb = 0;
    for (const pid of openstackPids(dir)) {
        try {
            kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        } catch {
            // ended while we looked
        }
    }
    return Math.round(kb / 1024);
}

/** The lab's OpenStack admin (its password lives in `dir`, mode 0600). */
export function openstackAdmin(dir: string): KeystoneAuth {
    return { authUrl: OPENSTACK_KEYSTONE_URL, username: "admin", password: readFileSync(join(dir, "keystone", "admin-password"), "utf8").trim(), projectName: "admin" };
}

/** Every secret the lab's OpenStack generated (for checks that none leaks). */
export function openstackSecrets(dir: string): string[] {
    const out = [openstackAdmin(dir).password];
    const secrets = join(dir, "secrets");
    for (const f of spawnSync("ls", [secrets], { encoding: "utf8" }).stdout.split("\n").filter(Boolean)) out.push(readFileSync(join(secrets, f), "utf8").trim());
    return out;
}
