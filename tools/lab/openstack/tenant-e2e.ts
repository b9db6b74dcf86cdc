// The tenant end to end in the lab: the lab OpenStack started with its instance hosts, then one converge of the
// lab-tenant-e2e stack from the Keystone project to a kubeadm cluster on the instances with k8s-keystone-auth in it
// (test/lab/tenant.spec.ts proves it; this is the same, by hand).
//   ./osk run tenant          (= lab tenant up)   OpenStack with instance hosts, pulumi up, how to use the cluster
//                                                with the admin kubeconfig and with a Keystone login
//   ./osk lab tenant down                        pulumi destroy, the lab OpenStack and its hosts stopped by PID
//   ./osk lab tenant status
// State lives in $OSK_LAB_TENANT_DIR (default ~/.osk/lab-tenant).
import { randomBytes } from "crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { addonImages } from "../../../components/tenant/addons/images";
import { tenantAddressPlan } from "../../../components/tenant/addresses";
import { pulumiRun, pulumiSync, writeKubeconfigOutput, type RunOutput, type Workspace } from "../../engine/workspace";
import { createUserWithRole, issueToken } from "../../lib/keystone";
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
    // What the instance hosts boot with (cached; on a cold machine this builds, or waits for another part's build):
    // the control plane's binaries and images, and the images of the add-ons this tenant switches on.
    labRun("bash", ["tools/k8s-tools.sh", "kubeadm", "kubernetes", "etcd", "kubelet", "kube-proxy", "keystone-auth", "cloud-controller", "cinder-csi", "csi-sidecars"], process.env, "inherit");
    const images = labRun("bash", ["tools/lab/hosts/images.sh", ...tenantAddonImageRefs()], process.env, "inherit").trim();
    // Four hypervisors: the masters' hard anti-affinity needs three, one more spares the scheduler's retries.
    const figures = startOpenStack(p.openstack, undefined, { instanceHosts: true, computes: 4, images });
    const ws = tenantWorkspace(p.engine, openstackAdmin(p.openstack).password, TENANT_E2E_STACK, true);
    return { ws, startSeconds: (Date.now() - t0) / 1000, phases: figures.phases };
}

/** The images the e2e tenant's add-ons pull, as its manifests name them (the lab's hosts get them preloaded). */
export function tenantAddonImageRefs(): string[] {
    return [...new Set(addonImages(tenantOf(TENANT_E2E_STACK_FILE), undefined).map((i) => i.pulled))];
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
    const login = await keystoneLogin(ws, BASE, t.project, kubeconfig);
    console.log(`
OSK lab tenant is up: Keystone project ${t.project}, its network, instances and Octavia load balancer in the lab's
OpenStack, and a kubeadm cluster on those instances (lab hosts) behind the VIP ${plan.apiVip}, with the cloud
controller and the Cinder CSI driver working against that OpenStack.

Where to look:
  tenant cluster   kubectl --kubeconfig ${kubeconfig} get nodes -o wide
  its storage      kubectl --kubeconfig ${kubeconfig} get storageclass,volumesnapshotclass
                   (a claim of the default class gets a Cinder volume in ${t.project}; see it with the openstack
                   command below and "volume list --all-projects")
  the cloud        OS_CLIENT_CONFIG_FILE=${join(p.openstack, "keystone", "clouds.yaml")} openstack --os-cloud osk-lab server list --all-projects
  an instance      ssh -i ${join(p.engine, "ssh-key")} root@${plan.masters[0].address}
  instance hosts   ${join(instanceHostsDir(p.openstack), "hosts")}
  Pulumi project   ${ws.dir}  (backend ${ws.env.PULUMI_BACKEND_URL})
  converge log     ${p.log}
  Keystone login   ${login.user}, a member of ${t.project} (its password in ${login.clouds}):
                   TOKEN=$(OS_CLIENT_CONFIG_FILE=${login.clouds} openstack --os-cloud ${login.user} token issue -f value -c id)
                   kubectl --server https://${plan.apiVip}:6443 --certificate-authority ${login.ca} --token "$TOKEN" get pods -A
                   (k8s-keystone-auth asks Keystone: members may read pods, not Secrets; the policy is in the stack file)
Tear it down with: ./osk lab tenant down`);
}

/** The cluster entry (server and CA) of an admin kubeconfig file: all a token's kubeconfig needs besides the token. */
export function kubeconfigCluster(file: string): { server: string; "certificate-authority-data": string } {
    return (parseYaml(readFileSync(file, "utf8")) as { clusters: { cluster: { server: string; "certificate-authority-data": string } }[] }).clusters[0].cluster;
}

/**
 * A member of the tenant's project to log in with (made once; its password only in a 0600 clouds.yaml), and the
 * tenant cluster's CA from the admin kubeconfig, so a Keystone token is all kubectl needs.
 */
async function keystoneLogin(ws: Workspace, base: string, project: string, kubeconfig: string): Promise<{ user: string; clouds: string; ca: string }> {
    const user = "lab-e2e-dev";
    const clouds = join(base, "keystone-login.yaml");
    const ca = join(base, "tenant-ca.crt");
    writeFileSync(ca, Buffer.from(kubeconfigCluster(kubeconfig)["certificate-authority-data"], "base64"));
    if (!existsSync(clouds)) {
        const a = openstackAdmin(tenantE2ePaths(base).openstack);
        const { token } = await issueToken(a);
        const projectId = JSON.parse(pulumiSync(ws, ["stack", "output", "projectId", "--json", "--stack", TENANT_E2E_STACK]).stdout) as string;
        const password = randomBytes(18).toString("base64url");
        await createUserWithRole(a.authUrl, token, { name: user, password, projectId, role: "member" });
        const cloud = { auth: { auth_url: a.authUrl, username: user, password, project_name: project, user_domain_name: "Default", project_domain_name: "Default" }, identity_api_version: 3 };
        writeFileSync(clouds, stringifyYaml({ clouds: { [user]: cloud } }), { mode: 0o600 });
    }
    return { user, clouds, ca };
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
