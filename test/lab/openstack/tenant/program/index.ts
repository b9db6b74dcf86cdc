// The lab's tenant program, a test fixture: the OpenStack side of a tenant cluster, built by OSK's own components
// (TenantIdentity, TenantInfrastructure) from an `osk:tenant` section validated by OSK's own schema, converged into
// the lab's real OpenStack (tools/lab/openstack) by the real engine and OpenStack provider, as the tenant's
// application credential. It stands in for stacks/ where stacks/ cannot run here.
// With `labTenant:bootstrap: true` (the lab OpenStack started with its instance hosts, whose Nova boots a lab host
// for every instance), the same converge then builds the tenant's control plane over SSH on those instances, wired
// as TenantCluster wires it: the tenant's kubeadm configuration behind the Octavia VIP, with the Keystone webhook's
// apiserver flags and files and the kubelets' external cloud provider. The in-cluster add-ons and the drain are
// not built here: their images cannot be pulled into the lab hosts. Nothing here changes what the components do.
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane } from "../../../../../components/cluster";
import { tenantAddressPlan } from "../../../../../components/tenant/addresses";
import { KEYSTONE_AUTH, keystoneAuthSans, keystoneAuthUrl } from "../../../../../components/tenant/addons/manifests";
import { tenantCloudsYaml } from "../../../../../components/tenant/clouds";
import { tenantControlPlaneExtras, tenantKubeadmConfig, webhookClusterIP } from "../../../../../components/tenant/kubeadm";
import { ServingCertificate } from "../../../../../components/secrets/certificate";
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

const lab = new pulumi.Config("labTenant");
let plane: ControlPlane | undefined;
if (lab.getBoolean("bootstrap")) {
    // As TenantCluster builds it (components/tenant/index.ts), with the names it gives.
    const clusterIP = webhookClusterIP(t);
    const certificate = new ServingCertificate("tenant-webhook-tls", { commonName: KEYSTONE_AUTH.name, ...keystoneAuthSans({ clusterIP }) });
    plane = new ControlPlane(
        "tenant-cluster",
        {
            config: tenantKubeadmConfig(t, tenantAddressPlan(t)),
            site: { name: t.name, profile: "dev", region: cloud.region, domain: "cluster.local" },
            sshPrivateKey: lab.requireSecret("sshPrivateKey"),
            extras: tenantControlPlaneExtras(keystoneAuthUrl({ clusterIP }), certificate.caPem),
        },
        { dependsOn: infra.nodes },
    );
}

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
/** The tenant cluster's admin kubeconfig (secret), through the VIP; empty without the bootstrap. */
export const kubeconfig = plane ? pulumi.secret(plane.kubeconfig) : pulumi.secret("");
export const apiVip = plane ? tenantAddressPlan(t).apiVip : "";
