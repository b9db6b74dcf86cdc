// The lab's tenant program, a test fixture: a tenant cluster's reverse direction converged into the lab's real
// OpenStack (tools/lab/openstack) by the real engine and OpenStack provider, from an `osk:tenant` section validated by
// OSK's own schema. It stands in for stacks/ where stacks/ cannot run here (no site cluster to compose with).
// - `labTenant:bootstrap: true` (the lab OpenStack started with its instance hosts, whose Nova boots a lab host for
//   every instance): OSK's TenantCluster itself, as stacks/compose.ts builds it, with the same name: the identity,
//   the key pair from the stack's public key, network, instances and Octavia load balancer, the kubeadm control plane
//   over SSH on those instances behind the VIP, the in-cluster add-ons (the cloud controller, the Cinder CSI driver
//   with its StorageClass and snapshot class, k8s-keystone-auth with its certificate, policy and sync) and the drain.
// - otherwise (nothing boots): the OpenStack side only, TenantIdentity and TenantInfrastructure, as TenantCluster
//   names them; the tenant's own credential makes the key pair first.
// Nothing here changes what the components do.
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { TenantCluster } from "../../../../../components/tenant";
import { tenantCloudsYaml } from "../../../../../components/tenant/clouds";
import { applicationCredentialProviderArgs, TenantIdentity } from "../../../../../components/tenant/identity";
import { TenantInfrastructure } from "../../../../../components/tenant/infrastructure";
import { tenantSchema, type TenantConfig } from "../../../../../stacks/config/schema";
import { tenantSnapshotCrds } from "../../../../../stacks/snapshots";

const config = new pulumi.Config("osk");
const parsed = tenantSchema.safeParse(config.requireObject("tenant"));
if (!parsed.success) throw new Error(`osk:tenant: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
type EnabledTenant = Extract<TenantConfig, { enabled: true }>;
const data = parsed.data;
if (!data.enabled || data.cloud.source !== "existing") throw new Error("osk:tenant must be enabled with cloud.source existing (the lab's Keystone)");
const t: EnabledTenant = data;
const cloud: Extract<EnabledTenant["cloud"], { source: "existing" }> = data.cloud;

// As stacks/compose.ts names them: the same URNs a site's stack has, under a component of the same name.
const connection = { authUrl: cloud.authUrl, username: cloud.username, password: config.requireSecret("tenantCloudPassword"), projectName: cloud.projectName, userDomain: cloud.userDomain, projectDomain: cloud.projectDomain };
const lab = new pulumi.Config("labTenant");
const { enabled: _enabled, cloud: _cloud, ...cluster } = t;

function bootstrapped() {
    const tenant = new TenantCluster("tenant", {
        tenant: { ...cluster, sshPublicKey: lab.require("publicKey") },
        profile: "dev",
        connection,
        region: cloud.region,
        sshPrivateKey: lab.requireSecret("sshPrivateKey"),
        snapshotCrds: tenantSnapshotCrds(cluster.storage.snapshotClasses),
    });
    return {
        projectId: tenant.projectId,
        applicationCredentialId: tenant.applicationCredentialId,
        apiAddress: tenant.apiEndpoint.apply((e) => new URL(e).hostname),
        /** The tenant cluster's admin kubeconfig (secret), through the VIP. */
        kubeconfig: tenant.kubeconfig,
        apiVip: tenant.apiVip,
        webhookUrl: tenant.webhookUrl,
        storageClasses: tenant.storageClasses,
        snapshotClasses: tenant.snapshotClasses,
    };
}

function infrastructureOnly() {
    const identity = new TenantIdentity("tenant", { connection, region: cloud.region, project: t.project, cluster: t.name, roles: t.roles });
    const appCredential = { authUrl: cloud.authUrl, region: cloud.region, applicationCredentialId: identity.applicationCredentialId, applicationCredentialSecret: identity.applicationCredentialSecret };
    const credential = applicationCredentialProviderArgs(appCredential);
    // `keyPair` names a Nova key pair the tenant already has; in the lab the tenant's own credential makes it here
    // first. The infrastructure's provider depends on it, so every instance waits for it (and a destroy removes it last).
    const keyProvider = new openstack.Provider("tenant-keypair-openstack", credential);
    const keyPair = new openstack.compute.Keypair("tenant-keypair", { name: t.keyPair, publicKey: lab.require("publicKey") }, { provider: keyProvider });
    const provider = new openstack.Provider("tenant-openstack", credential, { dependsOn: [keyPair] });
    const infra = new TenantInfrastructure("tenant", { tenant: t, provider });
    return {
        projectId: identity.projectId,
        applicationCredentialId: identity.applicationCredentialId,
        /** For the teams that build on the tenant cluster: a clouds.yaml with the application credential (secret). */
        cloudsYaml: pulumi.secret(tenantCloudsYaml({ cloud: t.name, ...appCredential })),
        apiAddress: infra.apiAddress,
        loadBalancerId: infra.loadBalancerId,
        networkId: infra.networkId,
        subnetId: infra.subnetId,
        routerId: infra.routerId,
        masters: infra.masters,
        workers: infra.workers,
    };
}

const outputs: Record<string, unknown> = lab.getBoolean("bootstrap") ? bootstrapped() : infrastructureOnly();
export = outputs;
