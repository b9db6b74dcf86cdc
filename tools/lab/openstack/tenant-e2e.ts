// The tenant end to end in the lab: the lab OpenStack started with its instance hosts, then one converge of the
// lab-tenant-e2e stack from the Keystone project to a kubeadm cluster on the instances (test/lab/tenant.spec.ts
// proves it; this is the same, by hand).
//   ./osk run tenant          (= lab tenant up)   OpenStack with instance hosts, pulumi up, how to use the cluster
//   ./osk lab tenant down                        pulumi destroy, the lab OpenStack and its hosts stopped by PID
//   ./osk lab tenant status
// State lives in $OSK_LAB_TENANT_DIR (default ~/.osk/lab-tenant).
import { existsSync, readFileSync, rmSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { tenantAddressPlan } from "../../../components/tenant/addresses";
import { pulumiRun, pulumiSync, writeKubeconfigOutput, type RunOutput, type Workspace } from "../../engine/workspace";
import { run as labRun } from "../lab";
import { instanceHostsDir, openstackAdmin, openstackPids, startOpenStack, stopOpenStack, tenantOf, TENANT_E2E_STACK_FILE } from "./openstack";
import { layerSeconds, tenantWorkspace, type TimedLine } from "./tenant";

export const TENANT_E2E_STACK = "lab-tenant-e2e";

/** Where the lab OpenStack, the engine's workspace and the tenant's kubeconfig live under a lab directory. */
export function tenantE2ePaths(base: string) {
    return { openstack: join(base, "openstack-e2e"), engine: join(base, "tenant-e2e-engine"), kubeconfig: join(base, "tenant-kubeconfig"), log: join(base, "converge.log") };
}

/** The lab OpenStack with its instance hosts, and the e2e stack's workspace (its key pair a real one). */
export function startTenantE2e(base: string): { ws: Workspace; startSeconds: number; phases: string[] } {
    const p = tenantE2ePaths(base);
    const t0 = Date.now();
    // What the instance hosts boot with (cached; on a cold machine this builds, or waits for another part's build).
    labRun("bash", ["tools/k8s-tools.sh", "kubeadm", "kubernetes", "etcd", "kubelet"], process.env, "inherit");
    labRun("bash", ["tools/lab/hosts/images.sh"], process.env, "inherit");
    const figures = startOpenStack(p.openstack, undefined, { instanceHosts: true });
    const ws = tenantWorkspace(p.engine, openstackAdmin(p.openstack).password, TENANT_E2E_STACK, true);
    return { ws, startSeconds: (Date.now() - t0) / 1000, phases: figures.phases };
}

/** `pulumi up` of the e2e stack, its log kept, with the time each layer took (from its progress as it came). */
export async function convergeTenant(ws: Workspace, base: string): Promise<RunOutput & { layers: ReturnType<typeof layerSeconds> }> {
    const lines: TimedLine[] = [];
    const out = await pulumiRun(ws, ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", TENANT_E2E_STACK], (line) => lines.push({ at: Date.now(), line }));
    writeFileSync(tenantE2ePaths(base).log, out.stdout + out.stderr);
    return { ...out, layers: layerSeconds(lines) };
}

/** The tenant cluster's admin kubeconfig from the stack output (a secret), written 0600. */
export function writeTenantKubeconfig(ws: Workspace, base: string): string {
    return writeKubeconfigOutput(ws, tenantE2ePaths(base).kubeconfig);
}

/** The instance hosts the lab OpenStack in `openstackDir` runs now, as sorted "<name> <address>" lines. */
export function instanceHosts(openstackDir: string): string[] {
    const file = join(instanceHostsDir(openstackDir), "hosts");
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).sort() : [];
}

/** Destroys the stack (when it holds anything), then stops the lab OpenStack and its instance hosts by PID. */
export async function stopTenantE2e(ws: Workspace | undefined, base: string): Promise<void> {
    const p = tenantE2ePaths(base);
    let failure: Error | undefined;
    if (ws) {
        const exported = JSON.parse(pulumiSync(ws, ["stack", "export", "--stack", TENANT_E2E_STACK]).stdout || "{}") as { deployment?: { resources?: unknown[] } };
        if ((exported.deployment?.resources ?? []).length > 0) {
            const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive", "--stack", TENANT_E2E_STACK]);
            if (out.code !== 0) failure = new Error(`pulumi destroy failed; the state is kept in ${p.engine}:\n${out.stdout.slice(-3000)}`);
        }
    }
    if (existsSync(p.openstack)) stopOpenStack(p.openstack);
    if (openstackPids(p.openstack).length > 0) throw new Error(`processes of the lab OpenStack outlived the stop: ${openstackPids(p.openstack).join(" ")}`);
    if (failure) throw failure;
}

const BASE = process.env.OSK_LAB_TENANT_DIR ?? join(homedir(), ".osk", "lab-tenant");
const say = (m: string) => console.error(`[lab-tenant] ${m}`);

async function up(): Promise<void> {
    const t0 = Date.now();
    const { ws, startSeconds } = startTenantE2e(BASE);
    say(`lab OpenStack with instance hosts up in ${startSeconds.toFixed(0)} s; converging ${TENANT_E2E_STACK} (pulumi up)...`);
    const out = await convergeTenant(ws, BASE);
    if (out.code !== 0) {
        process.stderr.write(out.stdout.slice(-6000) + out.stderr.slice(-3000));
        throw new Error(`pulumi up failed (exit ${out.code}); full log: ${tenantE2ePaths(BASE).log}`);
    }
    say(`converged in ${(out.ms / 1000).toFixed(0)} s (${out.layers.map((l) => `${l.layer} ${l.seconds} s`).join(", ")}); ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
    const kubeconfig = writeTenantKubeconfig(ws, BASE);
    const t = tenantOf(TENANT_E2E_STACK_FILE);
    const plan = tenantAddressPlan(t);
    const p = tenantE2ePaths(BASE);
    console.log(`
OSK lab tenant is up: Keystone project ${t.project}, its network, instances and Octavia load balancer in the lab's
OpenStack, and a kubeadm cluster on those instances (lab hosts) behind the VIP ${plan.apiVip}.

Where to look:
  tenant cluster   kubectl --kubeconfig ${kubeconfig} get nodes -o wide
  the cloud        OS_CLIENT_CONFIG_FILE=${join(p.openstack, "keystone", "clouds.yaml")} openstack --os-cloud osk-lab server list --all-projects
  an instance      ssh -i ${join(p.engine, "ssh-key")} root@${plan.masters[0].address}
  instance hosts   ${join(instanceHostsDir(p.openstack), "hosts")}
  Pulumi project   ${ws.dir}  (backend ${ws.env.PULUMI_BACKEND_URL})
  converge log     ${p.log}
Keystone logins to this cluster need k8s-keystone-auth running in it; its image is not built for the lab hosts yet.
Tear it down with: ./osk lab tenant down`);
}

async function down(): Promise<void> {
    const p = tenantE2ePaths(BASE);
    const ws = existsSync(join(p.engine, "backend", ".pulumi")) && existsSync(p.openstack) ? startTenantE2e(BASE).ws : undefined;
    await stopTenantE2e(ws, BASE);
    rmSync(BASE, { recursive: true, force: true });
    say("lab tenant removed");
}

if (require.main === module) {
    const cmd = process.argv[2] ?? "up";
    const dir = tenantE2ePaths(BASE).openstack;
    const status = () => console.log(existsSync(dir) ? `lab tenant: ${openstackPids(dir).length} OpenStack processes; hosts: ${instanceHosts(dir).join(", ") || "none"}` : "lab tenant: not running");
    const action = cmd === "up" ? up() : cmd === "down" ? down() : Promise.resolve(status());
    action.catch((e: Error) => {
        console.error(`[lab-tenant] error: ${e.message}`);
        process.exitCode = 1;
    });
}
