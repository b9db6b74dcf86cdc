// The lab's tenant program, a test fixture: the OpenStack side of a tenant cluster, built by OSK's own components
// (TenantIdentity, TenantInfrastructure) from an `osk:tenant` section validated by OSK's own schema, converged into
// the lab's real OpenStack (tools/lab/openstack) by the real engine and OpenStack provider, as the tenant's
// application credential. It stands in for stacks/ where stacks/ cannot run here: the kubeadm bootstrap over SSH
// (and the add-ons and drain that need the tenant cluster) would wait forever on instances that never boot, since
// the lab's Nova runs the fake hypervisor driver. Nothing here changes what the components do.
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { tenantCloudsYaml } from "../../../../../components/tenant/clouds";
import { applicationCredentialProviderArgs, TenantIdentity } from "../../../../../components/tenant/identity";
import { TenantInfrastructure } from "../../../../../components/tenant/infrastructure";
import { tenantSchema } from "../../../../../stacks/config/schema";

const config = new pulumi.Config("osk");
const parsed = tenantSchema.safeParse(config.requireObject("tenant"));
if (!parsed.success) throw new Error(`osk:tenant: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
const t = parsed.data;
if (!t.enabled || t.cloud.source !== "existing") throw new Error("osk:tenant must be enabled with cloud.source existing (the lab's Keystone)");
const cloud = t.cloud;

// As stacks/compose.ts names them: the same URNs a site's stack has, under a component of the same name.
const connection = { authUrl: cloud.authUrl, username: cloud.username, password: config.requireSecret("tenantCloudPassword"), projectName: cloud.projectName, userDomain: cloud.userDomain, projectDomain: cloud.projectDomain };
const identity = new TenantIdentity("tenant", { connection, region: cloud.region, project: t.project, cluster: t.name, roles: t.roles });
const appCredential = { authUrl: cloud.authUrl, region: cloud.region, applicationCredentialId: identity.applicationCredentialId, applicationCredentialSecret: identity.applicationCredentialSecret };
const credential = applicationCredentialProviderArgs(appCredential);

// `keyPair` names a Nova key pair the tenant already has; in the lab the tenant's own credential makes it here
// first. The infrastructure's provider depends on it, so every instance waits for it (and a destroy removes it last).
const keyProvider = new openstack.Provider("tenant-keypair-openstack", credential);
const keyPair = new openstack.compute.Keypair("tenant-keypair", { name: t.keyPair, publicKey: new pulumi.Config("labTenant").require("publicKey") }, { provider: keyProvider });
const provider = new openstack.Provider("tenant-openstack", credential, { dependsOn: [keyPair] });
const infra = new TenantInfrastructure("tenant", { tenant: t, provider });

export const projectId = identity.projectId;
export const applicationCredentialId = identity.applicationCredentialId;
/** For the teams that build on the tenant cluster: a clouds.yaml with the application credential (secret). */
export const cloudsYaml = pulumi.secret(tenantCloudsYaml({ cloud: t.name, ...appCredential }));
export const apiAddress = infra.apiAddress;
export const loadBalancerId = infra.loadBalancerId;
export const networkId = infra.networkId;
export const subnetId = infra.subnetId;
export const routerId = infra.routerId;
export const masters = infra.masters;
export const workers = infra.workers;
